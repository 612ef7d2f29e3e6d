import Foundation
import Hummingbird

/// A JSON response with sorted keys.
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try EncodedJSONBody(bytes: Array(encoder.encode(value))).response(from: request, context: context)
    }
}

/// A JSON response already encoded (alert listings, written by `StoredAlert.listJSON`).
struct EncodedJSONBody: ResponseGenerator, Sendable {
    let bytes: [UInt8]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
