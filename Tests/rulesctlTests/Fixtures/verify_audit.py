#!/usr/bin/env python3
"""An auditor's offline check of a Vigie audit log, independent of the project's code.

Uses only the Python standard library and `cryptography` (Ed25519). Given the vault's signed-note verifier key,
two checkpoints saved at different times, an inclusion proof and a consistency proof (the JSON printed by
`rulesctl audit prove`), it checks:
  1. each checkpoint's signature (C2SP signed note, keyhash = SHA-256(name ‖ "\\n" ‖ 0x01 ‖ key)[:4]);
  2. the inclusion proof against the newer checkpoint's root (RFC 9162 §2.1.3.2);
  3. the consistency proof from the older checkpoint to the newer one (RFC 9162 §2.1.4.2).
Exits 0 and prints "ok" when all hold; exits 1 naming the first check that fails.

usage: verify_audit.py VERIFIER_KEY OLD_CHECKPOINT_FILE NEW_CHECKPOINT_FILE INCLUSION_JSON CONSISTENCY_JSON
"""
import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def parse_key(text):
    name, keyhash, encoded = text.strip().split("+", 2)
    raw = base64.b64decode(encoded)
    if raw[0] != 0x01 or len(raw) != 33:
        fail("the verifier key is not an Ed25519 signed-note key")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != keyhash:
        fail("the verifier key's hash does not match its name and key")
    return name, expected, Ed25519PublicKey.from_public_bytes(raw[1:])


def check_note(note, name, keyhash, key):
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    for line in signatures.splitlines():
        prefix = "\u2014 " + name + " "
        if not line.startswith(prefix):
            continue
        blob = base64.b64decode(line[len(prefix):])
        if blob[:4] != keyhash:
            continue
        try:
            key.verify(blob[4:], body.encode())
        except Exception:
            fail("a checkpoint signature does not verify")
        origin, size, root = body.splitlines()[:3]
        if origin != name:
            fail("the checkpoint's origin is not the key's name")
        return int(size), base64.b64decode(root)
    fail("no signature by this key on the checkpoint")


def verify_inclusion(leaf_hash, index, size, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, root1, root2, proof):
    if size1 == 0 or size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def main():
    name, keyhash, key = parse_key(open(sys.argv[1]).read())
    old_size, old_root = check_note(open(sys.argv[2]).read(), name, keyhash, key)
    new_size, new_root = check_note(open(sys.argv[3]).read(), name, keyhash, key)
    inclusion = json.load(open(sys.argv[4]))
    if inclusion["tree_size"] != new_size:
        fail("the inclusion proof is not for the newer checkpoint's size")
    proof = [base64.b64decode(h) for h in inclusion["proof"]]
    if not verify_inclusion(base64.b64decode(inclusion["leaf_hash"]), inclusion["leaf_index"], new_size, proof, new_root):
        fail("the inclusion proof does not verify")
    consistency = json.load(open(sys.argv[5]))
    if (consistency["size1"], consistency["size2"]) != (old_size, new_size):
        fail("the consistency proof is not between the two checkpoints")
    proof = [base64.b64decode(h) for h in consistency["proof"]]
    if not verify_consistency(old_size, new_size, old_root, new_root, proof):
        fail("the consistency proof does not verify")
    print("ok")


if __name__ == "__main__":
    main()
