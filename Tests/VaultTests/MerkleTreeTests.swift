import Foundation
import Testing
@testable import Vault

/// RFC 6962 against the transparency-dev vectors (Fixtures/merkle, Apache-2.0).
@Suite struct MerkleTreeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/merkle")

    struct Roots: Decodable {
        let leafInputsHex: [String]
        let rootHashesHexBySize: [String]
    }

    struct InclusionVector: Decodable, CustomTestStringConvertible {
        /// Unsigned 64-bit in the vectors (one is 2^64 − 1); read as Int, out-of-range values become −1.
        let leafIdx: Int
        let treeSize: Int
        let root: String?
        let leafHash: String?
        let proof: [String]?
        let wantErr: Bool
        var file = ""
        var testDescription: String { file }
        enum CodingKeys: String, CodingKey { case leafIdx, treeSize, root, leafHash, proof, wantErr }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            leafIdx = Int(exactly: try c.decode(UInt64.self, forKey: .leafIdx)) ?? -1
            treeSize = Int(exactly: try c.decode(UInt64.self, forKey: .treeSize)) ?? -1
            root = try c.decodeIfPresent(String.self, forKey: .root)
            leafHash = try c.decodeIfPresent(String.self, forKey: .leafHash)
            proof = try c.decodeIfPresent([String].self, forKey: .proof)
            wantErr = try c.decode(Bool.self, forKey: .wantErr)
        }
    }

    struct ConsistencyVector: Decodable, CustomTestStringConvertible {
        let size1: Int
        let size2: Int
        let root1: String?
        let root2: String?
        let proof: [String]?
        let wantErr: Bool
        var file = ""
        var testDescription: String { file }
        enum CodingKeys: String, CodingKey { case size1, size2, root1, root2, proof, wantErr }
    }

    static func files(_ folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        let enumerator = FileManager.default.enumerator(atPath: base.path)
        return ((enumerator?.allObjects as? [String]) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            .map { base.appendingPathComponent($0).path }
    }

    static let inclusion: [InclusionVector] = files("inclusion").compactMap { path in
        guard let data = FileManager.default.contents(atPath: path),
            var vector = try? JSONDecoder().decode(InclusionVector.self, from: data) else { return nil }
        vector.file = String(path.dropFirst(root.path.count + 1))
        return vector
    }

    static let consistency: [ConsistencyVector] = files("consistency").compactMap { path in
        guard let data = FileManager.default.contents(atPath: path),
            var vector = try? JSONDecoder().decode(ConsistencyVector.self, from: data) else { return nil }
        vector.file = String(path.dropFirst(root.path.count + 1))
        return vector
    }

    static func bytes(_ base64: String?) -> [UInt8] { base64.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? [] }

    static func hex(_ text: String) -> [UInt8] {
        stride(from: 0, to: text.count, by: 2).map {
            let start = text.index(text.startIndex, offsetBy: $0)
            return UInt8(text[start..<text.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
    }

    @Test func vectorFilesAreLoaded() {
        #expect(Self.inclusion.count == Self.files("inclusion").count)
        #expect(Self.consistency.count == Self.files("consistency").count)
        #expect(Self.inclusion.count > 20 && Self.consistency.count > 20)
        #expect(Self.inclusion.contains { $0.wantErr } && Self.consistency.contains { $0.wantErr })
    }

    @Test(arguments: inclusion)
    func inclusionVector(vector: InclusionVector) {
        let verified = MerkleTree.verifyInclusion(
            leafHash: Self.bytes(vector.leafHash), index: vector.leafIdx, size: vector.treeSize,
            proof: (vector.proof ?? []).map(Self.bytes), root: Self.bytes(vector.root))
        #expect(verified == !vector.wantErr)
    }

    @Test(arguments: consistency)
    func consistencyVector(vector: ConsistencyVector) {
        let verified = MerkleTree.verifyConsistency(
            size1: vector.size1, size2: vector.size2, root1: Self.bytes(vector.root1), root2: Self.bytes(vector.root2),
            proof: (vector.proof ?? []).map(Self.bytes))
        #expect(verified == !vector.wantErr)
    }

    /// Roots of every size 0–8, and every proof we generate verifies (and matches the vectors' happy paths).
    @Test func rootsAndGeneratedProofs() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("roots.json"))
        let roots = try JSONDecoder().decode(Roots.self, from: data)
        let leaves = try roots.leafInputsHex.map { try MerkleTree.leafHash(Self.hex($0)) }
        func subtree(_ level: Int, _ index: Int) throws -> [UInt8] {
            try MerkleTree.hash(index << level, (index + 1) << level) { l, i in
                guard l == 0 else { throw CryptoError.failed }
                return leaves[i]
            }
        }
        func perfect(_ level: Int, _ index: Int) throws -> [UInt8] {
            if level == 0 { return leaves[index] }
            return try MerkleTree.nodeHash(try perfect(level - 1, 2 * index), try perfect(level - 1, 2 * index + 1))
        }
        for size in 0...8 {
            #expect(try MerkleTree.hash(0, size, subtree: perfect) == Self.hex(roots.rootHashesHexBySize[size]), "size \(size)")
        }
        for size in 1...8 {
            let root = try MerkleTree.hash(0, size, subtree: perfect)
            for index in 0..<size {
                let proof = try MerkleTree.inclusionProof(index, 0, size, subtree: perfect)
                #expect(MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, size: size, proof: proof, root: root))
                #expect(!MerkleTree.verifyInclusion(leafHash: leaves[(index + 1) % 8], index: index, size: size, proof: proof, root: root)
                    || leaves[(index + 1) % 8] == leaves[index])
            }
            for older in 1..<size {
                let proof = try MerkleTree.consistencyProof(older, size, subtree: perfect)
                #expect(MerkleTree.verifyConsistency(size1: older, size2: size, root1: try MerkleTree.hash(0, older, subtree: perfect),
                                                     root2: root, proof: proof), "\(older) → \(size)")
            }
        }
        let happy = try #require(Self.inclusion.first { $0.file == "inclusion/1/happy-path.json" })
        #expect(try MerkleTree.inclusionProof(happy.leafIdx, 0, happy.treeSize, subtree: perfect) == (happy.proof ?? []).map(Self.bytes))
        _ = subtree
    }
}
