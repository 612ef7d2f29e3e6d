import Foundation
import Hummingbird
import Vault

/// `POST /v1/records`: a partner contributes records of a kind its role may contribute; same validation as
/// `import`, all or nothing. The answer says how many records were received, and nothing of what the vault held
/// before: whether the young person was known, or the same record already there (perhaps from another partner).
struct RecordsController {
    /// What a partner is told of its contribution.
    struct Receipt: Encodable, Sendable {
        let rows: Int
    }

    let vault: VaultCalls

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.post("/v1/records") { request, context -> JSONBody<Receipt> in
            let principal = try context.requirePrincipal()
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any],
                let kind = object["kind"] as? String, let records = object["records"] as? [[String: Any]]
            else {
                throw APIError(.badRequest, code: "bad_request", "the body must be {\"kind\": K, \"records\": [{…}, …]}")
            }
            let lines = try records.map { record -> String in
                let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                return String(decoding: data, as: UTF8.self)
            }.joined(separator: "\n")
            let rows = try await vault { store in
                try store.importRecords(jsonLines: lines + "\n", label: "record", kind: kind, by: principal).rows
            }
            return JSONBody(Receipt(rows: rows))
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}
