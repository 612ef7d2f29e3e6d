import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import RuleFiles
import RulesEngine
import Synchronization
import Testing
import Vault
import VigieHTTP

/// The partner API through Hummingbird's router test client: every route's success and refusal paths.
@Suite struct APITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    final class Fixture: @unchecked Sendable {
        // SAFETY (@unchecked Sendable): set once in init, read-only afterwards.
        let root: URL
        let store: VaultStore
        let school: String
        let bailleur: String
        let auditor: String
        let police: String

        init() async throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-api-\(UUID().uuidString)")
            store = try VaultStore.create(directory: root.appendingPathComponent("vault").path,
                                          key: .keyFile(root.appendingPathComponent("k").path), environment: [:])
            _ = try store.loadRuleSet(try RuleDirectory.sources(in: APITests.packageRoot.appendingPathComponent("Rules").path))
            let csv = root.appendingPathComponent("a.csv").path
            try "nom,prenom,naissance,date,demi_journee,justifiee\n"
                .appending((6...9).map { "Dupont,Emilie,2012-03-01,2025-10-0\($0),matin,false\n" }.joined())
                .write(toFile: csv, atomically: true, encoding: .utf8)
            _ = try store.importFile(csv, kind: "absence", source: "education_nationale")
            _ = try await store.evaluate(asOf: Day(iso: "2025-10-20")!)
            let vault = store
            func token(_ role: String, _ groups: [String] = ["prevention_jeunesse"]) throws -> String {
                try vault.issueToken(role: role, groups: groups, holder: "test", lifetime: 3_600).token
            }
            school = try token("education_nationale")
            bailleur = try token("bailleur")
            auditor = try token("auditeur", [])
            police = try token("police_municipale")
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        /// The vault opened again with `busyTimeout`, and another process's raw connection to its database, which may
        /// hold a transaction open across its accesses.
        func sharedWithAnotherProcess(busyTimeout: Double) throws -> (VaultStore, DatabaseQueue) {
            let store = try VaultStore.open(directory: root.appendingPathComponent("vault").path,
                                            key: .keyFile(root.appendingPathComponent("k").path), environment: [:],
                                            busyTimeout: busyTimeout)
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            return (store, try DatabaseQueue(path: root.appendingPathComponent("vault/vault.sqlite").path,
                                             configuration: configuration))
        }
    }

    private func app(_ fixture: Fixture, limiter: RateLimiter = RateLimiter(limit: 1_000_000),
                     refusals: RateLimiter = RateLimiter(limit: 1_000_000)) -> some ApplicationProtocol {
        Application(router: VigieAPI.router(store: fixture.store, limiter: limiter, refusals: refusals))
    }

    private func bearer(_ token: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer " + token
        headers[.contentType] = "application/json"
        return headers
    }

    private func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
    }

    private func errorCode(_ buffer: ByteBuffer) -> String? {
        (json(buffer)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func everyRouteIsInTheOpenAPIDocumentAndViceVersa() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: VigieAPI.openAPIDocument) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-routes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try VaultStore.create(directory: root.appendingPathComponent("v").path,
                                          key: .keyFile(root.appendingPathComponent("k").path), environment: [:])
        let routed = Set(VigieAPI.router(store: store).routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /" + path.joined(separator: "/")
        })
        #expect(routed == documented)
        #expect(routed.count == 11)
    }

    @Test func authenticationAndLimits() async throws {
        let fixture = try await Fixture()
        try await app(fixture).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)["openapi"] as? String == "3.1.0")
            }
            try await client.execute(uri: "/v1/alerts", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(errorCode(response.body) == "unauthorized")
            }
            var forged = Array(fixture.school)
            forged[forged.count - 4] = forged[forged.count - 4] == "a" ? "b" : "a"
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(String(forged))) { response in
                #expect(response.status == .unauthorized)
                #expect(errorCode(response.body) == "invalid_token")
            }
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.bailleur)) { response in
                #expect(response.status == .ok)
                #expect((json(response.body)["alerts"] as? [Any])?.isEmpty == true)
            }
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 3 * 1_000_000)
            try await client.execute(uri: "/v1/records", method: .post, headers: bearer(fixture.school), body: big) { response in
                #expect(response.status == .contentTooLarge)
                #expect(errorCode(response.body) == "body_too_large")
            }
            try await client.execute(uri: "/v1/subjects/search", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                #expect(errorCode(response.body) == "bad_request")
                #expect(!String(buffer: response.body).contains("Swift"))
            }
            try await client.execute(uri: "/v1/nope", method: .get, headers: bearer(fixture.school)) { response in
                #expect(response.status == .notFound)
            }
            // The server survived all of it.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    /// Forged tokens in a loop: each is refused, but only so many a second are logged; the rest get 429 and leave
    /// the log as it was. A partner's valid token still gets through.
    @Test func aFloodOfForgedTokensGrowsTheLogByItsBudgetOnly() async throws {
        let fixture = try await Fixture()
        let clock = TestClock(seconds: 1_000)
        let before = try fixture.store.auditSize()
        try await app(fixture, refusals: RateLimiter(limit: 4, seconds: 60, clock: { clock.seconds })).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<12 {
                statuses.append(try await client.execute(uri: "/v1/alerts", method: .get,
                                                         headers: bearer("v4.public.forged\(index)")) { $0.status })
            }
            #expect(statuses.prefix(4).allSatisfy { $0 == .unauthorized })
            #expect(statuses.dropFirst(4).allSatisfy { $0 == .tooManyRequests })
            #expect(try fixture.store.auditSize() == before + 4)
            let logged = try fixture.store.auditLog(try fixture.store.consolePrincipal()).filter { $0.seq > before }.prefix(4)
            #expect(logged.allSatisfy { $0.actor == "unauthenticated" && $0.decision == "refused" })
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.school)) { #expect($0.status == .ok) }
            // The next window logs refusals again.
            clock.seconds += 60
            let size = try fixture.store.auditSize()
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer("v4.public.forgedagain")) {
                #expect($0.status == .unauthorized)
            }
            #expect(try fixture.store.auditSize() == size + 1)
        }
    }

    @Test func tooManyRequestsPerToken() async throws {
        let fixture = try await Fixture()
        // A fixed clock: the window cannot roll over during the test, however slow the machine.
        let clock = TestClock(seconds: 1_000)
        try await app(fixture, limiter: RateLimiter(limit: 3, seconds: 60, clock: { clock.seconds })).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                statuses.append(try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.bailleur)) { $0.status })
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .ok })
            #expect(statuses.dropFirst(3).allSatisfy { $0 == .tooManyRequests })
            // Another token is not affected.
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.school)) { #expect($0.status == .ok) }
            // The next window lets the first token through again.
            clock.seconds += 60
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.bailleur)) { #expect($0.status == .ok) }
        }
    }

    /// A settable clock for the rate limiter.
    private final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int
        init(seconds: Int) { value = seconds }
        var seconds: Int {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    /// An import in another process holds the write lock past the busy timeout: a listing, which must log its read
    /// first, is refused 503 with a `Retry-After`, serves nothing, and is served again once the lock is released.
    @Test func aVaultBusyWithAnotherWriterAnswers503() async throws {
        let fixture = try await Fixture()
        let (store, other) = try fixture.sharedWithAnotherProcess(busyTimeout: 0.2)
        let logged = try store.auditSize()
        try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let app = Application(router: VigieAPI.router(store: store, limiter: RateLimiter(limit: 1_000_000),
                                                      refusals: RateLimiter(limit: 1_000_000)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.school)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(errorCode(response.body) == "busy")
                #expect(response.headers[.retryAfter] == "1")
                #expect(json(response.body)["alerts"] == nil)
            }
            try other.inDatabase { try $0.execute(sql: "ROLLBACK") }
            #expect(try store.auditSize() == logged)
            try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.school)) { response in
                #expect(response.status == .ok)
                #expect((json(response.body)["alerts"] as? [Any])?.count == 1)
            }
        }
    }

    /// What the access log keeps of failures: the status and the error's stable code, at level `error` for the
    /// server's own (a 5xx), and never the message, which may name what the request was about.
    @Test func theAccessLogNamesAnErrorByItsCodeOnly() async throws {
        let fixture = try await Fixture()
        let (store, other) = try fixture.sharedWithAnotherProcess(busyTimeout: 0.2)
        let log = CapturedLog()
        let app = Application(router: VigieAPI.router(store: store, limiter: RateLimiter(limit: 1_000_000),
                                                      refusals: RateLimiter(limit: 1_000_000)),
                              logger: Logger(label: "test") { _ in log })
        try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        try await app.test(.router) { client in
            let message = try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.school)) { response in
                #expect(response.status == .serviceUnavailable)
                return (json(response.body)["error"] as? [String: Any])?["message"] as? String ?? ""
            }
            try other.inDatabase { try $0.execute(sql: "ROLLBACK") }
            try await client.execute(uri: "/v1/subjects/search", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: "{not json")) { #expect($0.status == .badRequest) }
            let requests = log.entries.filter { $0.message == "request" }
            let busy = try #require(requests.first { $0.metadata["status"]?.description == "503" })
            #expect(busy.level == .error && busy.metadata["error"]?.description == "busy")
            let bad = try #require(requests.first { $0.metadata["status"]?.description == "400" })
            #expect(bad.level == .info && bad.metadata["error"]?.description == "bad_request")
            #expect(!message.isEmpty)
            for entry in log.entries {
                let text = entry.metadata.values.map(\.description).joined(separator: " ")
                #expect(!text.contains(message) && !text.contains("Dupont") && !text.contains(fixture.school))
            }
        }
    }

    /// A log handler that keeps what it is given.
    final class CapturedLog: LogHandler, @unchecked Sendable {
        // SAFETY (@unchecked Sendable): entries are guarded by the lock; level and metadata are set before use.
        struct Entry {
            let level: Logger.Level
            let message: String
            let metadata: Logger.Metadata
        }

        private let lock = NSLock()
        private var stored: [Entry] = []
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var entries: [Entry] { lock.withLock { stored } }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let entry = Entry(level: event.level, message: event.message.description,
                              metadata: metadata.merging(event.metadata ?? [:]) { _, new in new })
            lock.withLock { stored.append(entry) }
        }
    }

    /// The coordinator rotates the root key while the server runs: every request is refused 503 `key_rotated`,
    /// which tells the operator what to do, and nothing is served under the old key.
    @Test func aKeyRotatedElsewhereStopsTheServerServing() async throws {
        let fixture = try await Fixture()
        let (other, _) = try fixture.sharedWithAnotherProcess(busyTimeout: 10)
        _ = try other.rotateKey(to: .keyFile(fixture.root.appendingPathComponent("new.key").path), environment: [:])
        // A token issued under the new key does not verify with the server's old signing key: the server still
        // says why, rather than refuse the token.
        let rotated = try VaultStore.open(directory: fixture.root.appendingPathComponent("vault").path,
                                          key: .keyFile(fixture.root.appendingPathComponent("new.key").path), environment: [:])
        let issued = try rotated.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"], holder: "CPE",
                                            lifetime: 3_600).token
        let logged = try rotated.auditSize()
        // Not refusals: they spend no refusal budget (a second one would be 429) and log nothing.
        try await app(fixture, refusals: RateLimiter(limit: 1)).test(.router) { client in
            for token in [fixture.school, issued, issued] {
                try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(errorCode(response.body) == "key_rotated")
                    #expect(json(response.body)["alerts"] == nil)
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
        #expect(try rotated.auditSize() == logged)
    }

    /// Requests waiting for another process's write lock wait on threads of their own: more of them than the machine
    /// has cores (Swift concurrency's cooperative threads) do not stall the server's other requests meanwhile. The
    /// lock is released once a reading request was served, or after 20 seconds, when the test has failed.
    @Test func requestsWaitingForALockDoNotStallTheOthers() async throws {
        let fixture = try await Fixture()
        let (store, other) = try fixture.sharedWithAnotherProcess(busyTimeout: 60)
        try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let released = Mutex(false)
        let release: @Sendable () -> Void = {
            let first = released.withLock { done in
                defer { done = true }
                return !done
            }
            if first { try? other.inDatabase { try $0.execute(sql: "ROLLBACK") } }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 20, execute: release)
        // More than the cores (the cooperative threads) and than the 16 threads of the pool for calls that may
        // write: the check of the token and of the auditor, and the checkpoint, run on the pool for reads.
        let waiting = max(ProcessInfo.processInfo.activeProcessorCount + 2, 20)
        let app = Application(router: VigieAPI.router(store: store, limiter: RateLimiter(limit: 1_000_000),
                                                      refusals: RateLimiter(limit: 1_000_000)))
        try await app.test(.router) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<waiting {
                    group.addTask {
                        try await client.execute(uri: "/v1/alerts", method: .get, headers: bearer(fixture.school)) { $0.status }
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                // A route that reads only, token check included, is served while the listings wait for the lock.
                try await client.execute(uri: "/v1/audit/checkpoint", method: .get, headers: bearer(fixture.auditor)) { response in
                    #expect(response.status == .ok)
                    #expect(!released.withLock { $0 }, "served only once the lock was released")
                }
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                release()
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                #expect(statuses == Array(repeating: .ok, count: waiting))
            }
        }
    }

    @Test func alertsAckAndClose() async throws {
        let fixture = try await Fixture()
        try await app(fixture).test(.router) { client in
            let id: String = try await client.execute(uri: "/v1/alerts?status=open", method: .get, headers: bearer(fixture.school)) { response in
                let alerts = json(response.body)["alerts"] as? [[String: Any]] ?? []
                #expect(alerts.map { $0["rule"] as? String } == ["ABS-4DJ"])
                return alerts.first?["id"] as? String ?? ""
            }
            try await client.execute(uri: "/v1/alerts?status=maybe", method: .get, headers: bearer(fixture.school)) {
                #expect($0.status == .badRequest)
            }
            // A role the alert is not addressed to cannot move it; it is told "not found", the log keeps the reason.
            let logged = try fixture.store.auditSize()
            try await client.execute(uri: "/v1/alerts/\(id)/ack", method: .post, headers: bearer(fixture.police),
                                     body: ByteBuffer(string: "{}")) { #expect($0.status == .notFound) }
            let refusal = try fixture.store.auditLog(try fixture.store.consolePrincipal()).filter { $0.seq > logged }
            #expect(refusal.map(\.action) == ["alert_transition"])
            #expect(refusal.first?.decision == "not permitted" && refusal.first?.role == "police_municipale")
            try await client.execute(uri: "/v1/alerts/\(id)/ack", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: #"{"comment": "CPE informé"}"#)) { #expect($0.status == .ok) }
            // The move is logged as the school's token, not as the console.
            let moved = try #require(try fixture.store.auditLog(try fixture.store.consolePrincipal()).last { $0.action == "alert_transition" })
            #expect(moved.role == "education_nationale")
            #expect(moved.actor.hasPrefix("token:"))
            try await client.execute(uri: "/v1/alerts/\(id)/close", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: #"{"outcome": "bof"}"#)) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/alerts/\(id)/close", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: #"{"outcome": "orientation"}"#)) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)["status"] as? String == "closed")
            }
            try await client.execute(uri: "/v1/alerts/\(id)/close", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: #"{"outcome": "orientation"}"#)) { #expect($0.status == .unprocessableContent) }
        }
    }

    @Test func subjectsSearchAndShow() async throws {
        let fixture = try await Fixture()
        try await app(fixture).test(.router) { client in
            let search = #"{"nom": "DUPONT", "prenom": "émilie", "naissance": "2012-03-01", "purpose": "assiduité"}"#
            let id: String = try await client.execute(uri: "/v1/subjects/search", method: .post, headers: bearer(fixture.school),
                                                      body: ByteBuffer(string: search)) { response in
                #expect(response.status == .ok)
                let matches = json(response.body)["matches"] as? [[String: String]] ?? []
                #expect(matches.first?["nom"] == "Dupont")
                return matches.first?["id"] ?? ""
            }
            let noPurpose = #"{"nom": "DUPONT", "prenom": "émilie", "naissance": "2012-03-01", "purpose": " "}"#
            try await client.execute(uri: "/v1/subjects/search", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: noPurpose)) { response in
                #expect(response.status == .forbidden)
                #expect(errorCode(response.body) == "forbidden")
            }
            try await client.execute(uri: "/v1/subjects/\(id)?purpose=assiduit%C3%A9", method: .get, headers: bearer(fixture.school)) { response in
                #expect(response.status == .ok)
                #expect((json(response.body)["records"] as? [Any])?.count == 4)
            }
            try await client.execute(uri: "/v1/subjects/\(id)", method: .get, headers: bearer(fixture.school)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/subjects/\(id)?purpose=verification", method: .get, headers: bearer(fixture.bailleur)) { response in
                #expect(response.status == .forbidden)
                #expect(errorCode(response.body) == "not_permitted")
                #expect(!String(buffer: response.body).contains("Dupont"))
            }
            try await client.execute(uri: "/v1/subjects/\(String(repeating: "0", count: 32))?purpose=x", method: .get,
                                     headers: bearer(fixture.school)) { #expect($0.status == .notFound) }
        }
    }

    @Test func recordsAreContributedAllOrNothing() async throws {
        let fixture = try await Fixture()
        try await app(fixture).test(.router) { client in
            let bad = #"{"kind": "absence", "records": [{"nom": "Martin", "prenom": "Lucas", "naissance": "2011-02-02", "date": "2025-10-07", "demi_journee": "matin", "justifiee": false}, {"nom": "Petit", "prenom": "Ines", "naissance": "2011-02-02", "date": "2025-10-07", "demi_journee": "soir", "justifiee": false}]}"#
            try await client.execute(uri: "/v1/records", method: .post, headers: bearer(fixture.school), body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .unprocessableContent)
                let message = ((json(response.body)["error"] as? [String: Any])?["message"] as? String) ?? ""
                #expect(message.contains("record:2: error: field 'demi_journee'"))
                #expect(!message.contains("Petit"))
            }
            #expect(try fixture.store.status().subjects == 1)
            let good = bad.replacingOccurrences(of: "\"soir\"", with: "\"apres_midi\"")
            try await client.execute(uri: "/v1/records", method: .post, headers: bearer(fixture.school), body: ByteBuffer(string: good)) { response in
                #expect(response.status == .ok)
                // Two records received; nothing said of whether Martin or the records were known before.
                #expect(json(response.body) as NSDictionary == ["rows": 2] as NSDictionary)
            }
            // The contribution is logged as the school's token, not as the console.
            let imported = try #require(try fixture.store.auditLog(try fixture.store.consolePrincipal()).last { $0.action == "import" })
            #expect(imported.role == "education_nationale")
            #expect(imported.actor.hasPrefix("token:"))
            let logged = try fixture.store.auditSize()
            try await client.execute(uri: "/v1/records", method: .post, headers: bearer(fixture.bailleur), body: ByteBuffer(string: good)) { response in
                #expect(response.status == .forbidden)
            }
            // The refused contribution is logged as the bailleur's.
            let refusal = try fixture.store.auditLog(try fixture.store.consolePrincipal()).filter { $0.seq > logged }
            #expect(refusal.map(\.action) == ["import"])
            #expect(refusal.first?.decision == "forbidden" && refusal.first?.role == "bailleur")
            try await client.execute(uri: "/v1/records", method: .post, headers: bearer(fixture.school),
                                     body: ByteBuffer(string: #"{"records": []}"#)) { #expect($0.status == .badRequest) }
        }
    }

    @Test func auditRoutesAreForAuditorsOnly() async throws {
        let fixture = try await Fixture()
        try await app(fixture).test(.router) { client in
            try await client.execute(uri: "/v1/audit/entries", method: .get, headers: bearer(fixture.auditor)) { response in
                #expect(response.status == .ok)
                #expect(((json(response.body)["entries"] as? [Any])?.count ?? 0) > 3)
            }
            try await client.execute(uri: "/v1/audit/checkpoint", method: .get, headers: bearer(fixture.auditor)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("vigie.local/"))
            }
            try await client.execute(uri: "/v1/audit/proof?entry=2", method: .get, headers: bearer(fixture.auditor)) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)["leaf_index"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/audit/proof?from=1&to=3", method: .get, headers: bearer(fixture.auditor)) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)["size2"] as? Int == 3)
            }
            try await client.execute(uri: "/v1/audit/proof", method: .get, headers: bearer(fixture.auditor)) { #expect($0.status == .badRequest) }
            // A bad number from a role that may not read the log is a refusal, logged, not a bad request.
            for uri in ["/v1/audit/entries", "/v1/audit/checkpoint", "/v1/audit/proof?entry=1", "/v1/audit/entries?since=abc",
                        "/v1/audit/proof?entry=x"] {
                let logged = try fixture.store.auditSize()
                try await client.execute(uri: uri, method: .get, headers: bearer(fixture.school)) { #expect($0.status == .forbidden) }
                // Each refusal is logged as the school's.
                let refusal = try fixture.store.auditLog(try fixture.store.consolePrincipal()).filter { $0.seq > logged }
                #expect(refusal.map(\.decision) == ["forbidden"], "\(uri)")
                #expect(refusal.first?.role == "education_nationale")
            }
            // Numbers that are not numbers of entries are refused, not read as 1 or as the whole log.
            for uri in ["/v1/audit/entries?since=abc", "/v1/audit/entries?since=0", "/v1/audit/proof?entry=2&size=abc",
                        "/v1/audit/proof?entry=-1", "/v1/audit/proof?from=1&to=x"] {
                try await client.execute(uri: uri, method: .get, headers: bearer(fixture.auditor)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(errorCode(response.body) == "bad_request")
                }
            }
        }
    }
}

/// The OpenAPI document validates with openapi-spec-validator (installed by `make test`).
@Suite struct OpenAPIDocumentTests {
    @Test func documentValidates() throws {
        let path = APITests.packageRoot.appendingPathComponent("Sources/VigieHTTP/openapi.json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import json, sys
            from openapi_spec_validator import validate
            validate(json.load(open(sys.argv[1])))
            print("valid")
            """, path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output == "valid\n")
        // And it is the very document the server serves.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == VigieAPI.openAPIDocument)
    }
}
