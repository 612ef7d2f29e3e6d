/// RFC 6962 / RFC 9162 Merkle tree hashing (SHA-256, 0x00 leaf and 0x01 node prefixes): the tree head of a
/// range of leaves, inclusion and consistency proofs, and their verification.
///
/// Node hashes come from a `subtree` function giving the hash of an aligned perfect subtree (2^level leaves
/// starting at index × 2^level), which the audit log stores as it appends: every proof then reads O(log n) nodes.
enum MerkleTree {
    static func leafHash(_ data: [UInt8]) throws(CryptoError) -> [UInt8] { try Sodium.sha256([0x00] + data) }

    static func nodeHash(_ left: [UInt8], _ right: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Sodium.sha256([0x01] + left + right)
    }

    /// The largest power of two strictly smaller than `n` (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[start..<end]) built from stored perfect subtrees.
    static func hash(_ start: Int, _ end: Int,
                     subtree: (_ level: Int, _ index: Int) throws -> [UInt8]) throws -> [UInt8] {
        let count = end - start
        if count == 0 { return try Sodium.sha256([]) }
        if count & (count - 1) == 0 && start % count == 0 {
            return try subtree(count.trailingZeroBitCount, start / count)
        }
        let k = split(count)
        return try nodeHash(try hash(start, start + k, subtree: subtree), try hash(start + k, end, subtree: subtree))
    }

    /// PATH(m, D[start..<end]) of RFC 6962 §2.1.1.
    static func inclusionProof(_ index: Int, _ start: Int, _ end: Int,
                               subtree: (Int, Int) throws -> [UInt8]) throws -> [[UInt8]] {
        let count = end - start
        guard count > 1 else { return [] }
        let k = split(count)
        if index - start < k {
            return try inclusionProof(index, start, start + k, subtree: subtree) + [try hash(start + k, end, subtree: subtree)]
        }
        return try inclusionProof(index, start + k, end, subtree: subtree) + [try hash(start, start + k, subtree: subtree)]
    }

    /// PROOF(m, D[0..<n]) of RFC 6962 §2.1.2.
    static func consistencyProof(_ m: Int, _ n: Int, subtree: (Int, Int) throws -> [UInt8]) throws -> [[UInt8]] {
        guard m > 0, m < n else { return [] }
        return try subproof(m, 0, n, complete: true, subtree: subtree)
    }

    private static func subproof(_ m: Int, _ start: Int, _ end: Int, complete: Bool,
                                 subtree: (Int, Int) throws -> [UInt8]) throws -> [[UInt8]] {
        let count = end - start
        if m == count { return complete ? [] : [try hash(start, end, subtree: subtree)] }
        let k = split(count)
        if m <= k {
            return try subproof(m, start, start + k, complete: complete, subtree: subtree) + [try hash(start + k, end, subtree: subtree)]
        }
        return try subproof(m - k, start + k, end, complete: false, subtree: subtree) + [try hash(start, start + k, subtree: subtree)]
    }

    /// RFC 9162 §2.1.3.2: whether `proof` shows the leaf at `index` in the tree of `size` with `root`.
    static func verifyInclusion(leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]], root: [UInt8]) -> Bool {
        guard index >= 0, index < size, leafHash.count == 32, root.count == 32, proof.allSatisfy({ $0.count == 32 })
        else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                guard let hashed = try? nodeHash(p, r) else { return false }
                r = hashed
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                guard let hashed = try? nodeHash(r, p) else { return false }
                r = hashed
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: whether `proof` shows the tree of `size1` with `root1` is a prefix of `size2`/`root2`.
    /// A proof from the empty tree proves nothing and is refused.
    static func verifyConsistency(size1: Int, size2: Int, root1: [UInt8], root2: [UInt8], proof: [[UInt8]]) -> Bool {
        guard size1 > 0, size1 <= size2 else { return false }
        if size1 == size2 { return proof.isEmpty && root1 == root2 }
        guard root1.count == 32, root2.count == 32, proof.allSatisfy({ $0.count == 32 }) else { return false }
        guard !proof.isEmpty else { return false }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                guard let f = try? nodeHash(c, fr), let s = try? nodeHash(c, sr) else { return false }
                fr = f
                sr = s
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                guard let s = try? nodeHash(sr, c) else { return false }
                sr = s
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == root1 && sr == root2
    }
}
