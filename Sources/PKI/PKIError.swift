import Foundation

/// The one error type of the PKI module: a stable `code` to match on and a message for people.
///
/// Messages name the file or value involved and what to do about it. They never contain key material
/// or the secret half of a token.
public struct PKIError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// A flag or option value is malformed (exit status 2 in the CLI).
        case invalidInput
        /// A bootstrap token or certificate key does not have the expected shape (exit status 2).
        case invalidToken
        /// A file that must exist is missing.
        case missingFile
        /// A file exists but cannot be used (unparsable, wrong CA, wrong key, not a CA).
        case invalidFile
        /// The operation needs a CA private key that is not there (external CA).
        case externalCA
        /// A cryptographic operation failed (decryption, key generation).
        case cryptoFailure
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// True when the caller gave bad input rather than the operation failing.
    public var isBadInput: Bool { code == .invalidInput || code == .invalidToken }
}
