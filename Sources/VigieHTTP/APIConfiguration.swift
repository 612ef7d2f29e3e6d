/// Limits of the API.
public enum APIConfiguration {
    /// Request bodies above this size get 413.
    public static let maxBodySize = 1 << 20
}
