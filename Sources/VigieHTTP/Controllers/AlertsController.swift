import Foundation
import Hummingbird
import RulesEngine
import Vault

/// `GET /v1/alerts`, `POST /v1/alerts/{id}/ack`, `POST /v1/alerts/{id}/close`.
struct AlertsController {
    let vault: VaultCalls

    struct Transition: Decodable {
        let outcome: String?
        let comment: String?
    }

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("/v1/alerts") { request, context -> EncodedJSONBody in
            let principal = try context.requirePrincipal()
            let status = try request.uri.queryParameters["status"].map { text -> AlertStatus in
                guard let status = AlertStatus(rawValue: String(text)) else {
                    throw APIError(.badRequest, code: "bad_request", "status must be open, acknowledged or closed")
                }
                return status
            }
            let listing = try await vault { StoredAlert.listJSON(try $0.alerts(for: principal, status: status)) }
            return EncodedJSONBody(bytes: listing)
        }
        router.post("/v1/alerts/:id/ack") { request, context -> JSONBody<[String: String]> in
            try await transition(request, context, to: .acknowledged)
        }
        router.post("/v1/alerts/:id/close") { request, context -> JSONBody<[String: String]> in
            try await transition(request, context, to: .closed)
        }
    }

    private func transition(_ request: Request, _ context: VaultRequestContext, to status: AlertStatus) async throws -> JSONBody<[String: String]> {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let body = try await request.decode(as: Transition.self, context: context)
        let outcome = try body.outcome.map { text -> AlertOutcome in
            guard let value = AlertOutcome(rawValue: text) else {
                throw APIError(.badRequest, code: "bad_request",
                               "outcome must be one of \(AlertOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        let comment = body.comment
        // Only a partner the alert is addressed to (in its groups) may move it along: the vault decides.
        try await vault { store in
            try store.transition(alert: id, to: status, actor: principal.actor, by: principal, outcome: outcome, comment: comment)
        }
        return JSONBody(["id": id, "status": status.rawValue])
    }
}
