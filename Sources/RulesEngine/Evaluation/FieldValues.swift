/// The typed fields of a record or subject, looked up by name. A handful of pairs searched in order: the names
/// are short (most fit in a small string, compared in two words), and an evaluation looks up fields of every
/// record it reads, where hashing each name cost more than the rest of the lookup.
public struct FieldValues: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    private struct Pair: Sendable, Hashable {
        let name: String
        let value: Value
    }

    private var pairs: [Pair]

    /// No field.
    public init() { pairs = [] }

    /// The fields of a dictionary.
    public init(_ fields: [String: Value]) {
        pairs = fields.map { Pair(name: $0.key, value: $0.value) }
    }

    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init()
        for (name, value) in elements {
            precondition(self[name] == nil, "field '\(name)' given twice in a literal")
            appendNew(name, value)
        }
    }

    /// Room for `count` fields.
    public init(minimumCapacity count: Int) {
        pairs = []
        pairs.reserveCapacity(count)
    }

    /// The value of a field, `nil` if absent; setting a value replaces the one of that name, `nil` removes it.
    public subscript(name: String) -> Value? {
        get {
            for pair in pairs where pair.name == name { return pair.value }
            return nil
        }
        set {
            let index = pairs.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): pairs[index] = Pair(name: name, value: value)
            case (let index?, nil): pairs.remove(at: index)
            case (nil, let value?): pairs.append(Pair(name: name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Adds a field known not to be there yet (a reader that checked it), without searching for it.
    package mutating func appendNew(_ name: String, _ value: Value) {
        pairs.append(Pair(name: name, value: value))
    }

    /// How many fields there are.
    public var count: Int { pairs.count }

    /// The fields as a dictionary.
    public var dictionary: [String: Value] {
        Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Equal when they hold the same fields, in whatever order.
    public static func == (lhs: FieldValues, rhs: FieldValues) -> Bool {
        lhs.count == rhs.count && lhs.pairs.allSatisfy { rhs[$0.name] == $0.value }
    }

    /// As `==`, whatever the order: the pairs' own hashes are summed.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for pair in pairs {
            var own = Hasher()
            own.combine(pair)
            sum &+= own.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}
