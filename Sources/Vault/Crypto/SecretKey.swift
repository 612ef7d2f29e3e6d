/// A 32-byte secret key in locked memory (a `LockedSlab` slot), zeroed when released. Its bytes are reachable
/// only through `withUnsafeBytes`; it is not `Codable` and its description is redacted.
final class SecretKey: @unchecked Sendable, CustomStringConvertible {
    // SAFETY (@unchecked Sendable): the buffer is written once in `init` and only read afterwards.
    private let slot: UnsafeMutableRawBufferPointer
    private let buffer: UnsafeMutableRawBufferPointer

    private init(count: Int) {
        if count <= LockedSlab.slotSize {
            slot = LockedSlab.allocate()
        } else {
            slot = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            slot.initializeMemory(as: UInt8.self, repeating: 0)
            Sodium.lock(slot)
        }
        buffer = UnsafeMutableRawBufferPointer(rebasing: slot[0..<count])
    }

    /// A key whose bytes `fill` writes; fails if `fill` returns false.
    static func filled(count: Int,
                       _ fill: (UnsafeMutableRawBufferPointer) -> Bool) throws(CryptoError) -> SecretKey
    {
        let key = SecretKey(count: count)
        guard fill(key.buffer) else { throw .failed }
        return key
    }

    /// A key copied from bytes (a key file, an unwrapped data key); the caller zeroes its copy.
    static func copying(_ bytes: [UInt8]) throws(CryptoError) -> SecretKey {
        guard bytes.count == 32 else { throw .invalidKeyLength }
        return try filled(count: 32) { buffer in
            buffer.copyBytes(from: bytes)
            return true
        }
    }

    /// A fresh random key.
    static func random() throws(CryptoError) -> SecretKey {
        var bytes = try Sodium.randomBytes(32)
        defer { bytes.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try copying(bytes)
    }

    deinit {
        if slot.count == LockedSlab.slotSize {
            LockedSlab.release(slot)
        } else {
            Sodium.unlock(slot)
            Sodium.zero(slot)
            slot.deallocate()
        }
    }

    /// Calls `body` with the key's bytes; they must not escape.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(buffer))
    }

    /// A copy of the bytes, for wrapping under another key; zero it after use.
    func copyBytes() -> [UInt8] { Array(UnsafeRawBufferPointer(buffer)) }

    var description: String { "SecretKey(redacted)" }
}

extension SecretKey: Equatable {
    /// Constant-time comparison.
    static func == (lhs: SecretKey, rhs: SecretKey) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in Sodium.constantTimeEqual(a, b) } }
    }
}
