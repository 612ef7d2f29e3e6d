import Foundation
import Hummingbird
import Vault

/// `POST /v1/subjects/search`, `GET /v1/subjects/{id}?purpose=…`.
struct SubjectsController {
    let vault: VaultCalls

    struct Search: Decodable {
        let nom: String
        let prenom: String
        let naissance: String
        let purpose: String
    }

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.post("/v1/subjects/search") { request, context -> JSONBody<[String: [[String: String]]]> in
            let principal = try context.requirePrincipal()
            let search = try await request.decode(as: Search.self, context: context)
            let identity = ["nom": search.nom, "prenom": search.prenom, "naissance": search.naissance]
            let purpose = search.purpose
            let matches = try await vault { try $0.findSubjects(principal, identity: identity, purpose: purpose) }
            return JSONBody(["matches": matches.map { ["id": $0.id].merging($0.fields) { a, _ in a } }])
        }
        router.get("/v1/subjects/:id") { request, context -> JSONBody<SubjectView> in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard let purpose = request.uri.queryParameters["purpose"].map(String.init) else {
                throw APIError(.badRequest, code: "bad_request", "the query parameter 'purpose' is required")
            }
            return JSONBody(try await vault { try $0.showSubject(principal, id: id, purpose: purpose) })
        }
    }
}
