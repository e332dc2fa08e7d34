/// A bootstrap token `<id>.<secret>` (`[a-z0-9]{6}.[a-z0-9]{16}`). The id is public; the secret is a credential,
/// so `description` and every error show only the id.
public struct BootstrapToken: Sendable, Equatable, CustomStringConvertible {
    public let id: String
    public let secret: String

    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    /// A new token from the system CSPRNG, drawn like cluster-bootstrap's `randBytes`: bytes ≥ 252 are
    /// rejected so that `byte % 36` stays uniform.
    public static func generate() -> BootstrapToken {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    public static func generate(using generator: inout some RandomNumberGenerator) -> BootstrapToken {
        func draw(_ count: Int) -> String {
            var characters: [UInt8] = []
            while characters.count < count {
                let byte = UInt8.random(in: 0...255, using: &generator)
                if byte < 252 { characters.append(alphabet[Int(byte % 36)]) }
            }
            return String(decoding: characters, as: UTF8.self)
        }
        return BootstrapToken(id: draw(6), secret: draw(16))
    }

    /// Parses `abcdef.0123456789abcdef`; the error says what is wrong without repeating the secret.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw PKIError(.invalidToken, "invalid bootstrap token: expected the form [a-z0-9]{6}.[a-z0-9]{16} (an id, a dot, a secret)")
        }
        let id = String(parts[0])
        guard Self.isValid(id, length: 6) else {
            throw PKIError(.invalidToken, "invalid bootstrap token id: it must be 6 characters of [a-z0-9] (got \(parts[0].count) characters)")
        }
        guard Self.isValid(String(parts[1]), length: 16) else {
            throw PKIError(.invalidToken, "invalid secret for bootstrap token '\(id)': it must be 16 characters of [a-z0-9] (value not shown)")
        }
        self.init(id: id, secret: String(parts[1]))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// `<id>.<secret>`: what `token generate` prints and `join --token` takes.
    public var value: String { "\(id).\(secret)" }

    /// The id with the secret masked, safe for logs.
    public var description: String { "\(id).****************" }

    /// The kube-system Secret name that holds this token.
    public var secretName: String { "bootstrap-token-\(id)" }

    static func isValid(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { alphabet.contains($0) }
    }
}
