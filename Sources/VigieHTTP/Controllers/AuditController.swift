import Foundation
import Hummingbird
import RulesEngine
import Vault

/// `GET /v1/audit/entries`, `/v1/audit/checkpoint`, `/v1/audit/proof` — auditor role only.
struct AuditController {
    let vault: VaultCalls

    struct Proof: Encodable, Sendable {
        let leaf_index: Int?
        let tree_size: Int?
        let leaf_hash: String?
        let root: String?
        let size1: Int?
        let size2: Int?
        let proof: [String]
    }

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("/v1/audit/entries") { request, context -> JSONBody<[String: [AuditEntry]]> in
            // A role that may not read the log is refused (and logged) before its query is looked at.
            try await requireAuditor(context)
            let principal = try context.requirePrincipal()
            let since = try Self.count(request.uri.queryParameters["since"], "since") ?? 1
            return JSONBody(["entries": try await vault { try $0.auditLog(principal, since: since) }])
        }
        router.get("/v1/audit/checkpoint") { _, context -> Response in
            try await requireAuditor(context)
            let checkpoint = try await vault.reading { try $0.auditCheckpoint() }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: checkpoint)))
        }
        router.get("/v1/audit/proof") { request, context -> JSONBody<Proof> in
            try await requireAuditor(context)
            let query = request.uri.queryParameters
            let (entry, size, from, to) = (try Self.count(query["entry"], "entry"), try Self.count(query["size"], "size"),
                                           try Self.count(query["from"], "from"), try Self.count(query["to"], "to"))
            if let entry {
                return JSONBody(try await vault.reading { store in
                    let proof = try store.auditInclusionProof(entry: entry, size: size)
                    return Proof(leaf_index: proof.leafIndex, tree_size: proof.treeSize,
                                 leaf_hash: Self.base64(proof.leafHash), root: Self.base64(proof.root), size1: nil,
                                 size2: nil, proof: proof.proof.map(Self.base64))
                })
            }
            guard let from, let to else {
                throw APIError(.badRequest, code: "bad_request", "give entry (and size), or from and to")
            }
            let proof = try await vault.reading { try $0.auditConsistencyProof(from: from, to: to) }
            return JSONBody(Proof(leaf_index: nil, tree_size: nil, leaf_hash: nil, root: nil, size1: from, size2: to,
                                  proof: proof.map(Self.base64)))
        }
    }

    /// The vault decides, reading only; a refusal is logged (a write) and thrown.
    private func requireAuditor(_ context: VaultRequestContext) async throws {
        let principal = try context.requirePrincipal()
        guard try await !vault.reading({ try $0.audits(principal) }) else { return }
        try await vault { try $0.requireAuditor(principal) }
    }

    private static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// A query parameter that must be a whole number of at least 1 when given.
    private static func count(_ text: Substring?, _ name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 1 else {
            throw APIError(.badRequest, code: "bad_request", "\(name) must be a whole number of at least 1")
        }
        return value
    }
}
