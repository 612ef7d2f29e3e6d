import Synchronization

/// Locked memory for keys, handed out in 64-byte slots of 64 KiB slabs: a key costs no system call (locking
/// each key on its own cost two `mlock` calls and dominated evaluation profiles). Slots are zeroed when
/// released; slabs stay locked for the life of the process.
enum LockedSlab {
    static let slotSize = 64
    static let slabSize = 64 * 1_024

    private struct State: ~Copyable {
        var free: [UInt] = []  // slot addresses
    }

    private static let state = Mutex(State())

    /// A zeroed slot of `slotSize` bytes in locked memory.
    static func allocate() -> UnsafeMutableRawBufferPointer {
        let address = state.withLock { state -> UInt in
            if state.free.isEmpty {
                let slab = UnsafeMutableRawBufferPointer.allocate(byteCount: slabSize, alignment: 64)
                slab.initializeMemory(as: UInt8.self, repeating: 0)
                Sodium.lock(slab)
                if let base = slab.baseAddress {
                    for offset in stride(from: slabSize - slotSize, through: 0, by: -slotSize) {
                        state.free.append(UInt(bitPattern: base + offset))
                    }
                }
            }
            return state.free.removeLast()
        }
        return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: address), count: slotSize)
    }

    /// Zeroes a slot and returns it to the free list.
    static func release(_ slot: UnsafeMutableRawBufferPointer) {
        Sodium.zero(slot)
        guard let base = slot.baseAddress else { return }
        let address = UInt(bitPattern: base)
        state.withLock { $0.free.append(address) }
    }
}
