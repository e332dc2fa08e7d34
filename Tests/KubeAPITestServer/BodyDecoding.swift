// Part of the test stand-in for kube-apiserver (tests only): request bodies in the media types kube-apiserver
// accepts as text (JSON and YAML; protobuf is not served).
import Foundation
import Yams

enum BodyDecoding {
    static let objectMediaTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]

    /// The body of a create or update, decoded as its Content-Type says (JSON when none is given).
    static func object(_ request: HTTPRequest, expected resource: Resource) throws(APIError) -> ServerJSON {
        let value: ServerJSON
        switch request.contentType ?? "application/json" {
        case "application/json", "*/*":
            do { value = try ServerJSON(parsing: Data(request.body)) } catch {
                throw unrecognized(resource, "\(error)", body: request.body)
            }
        case "application/yaml":
            do { value = try YAMLBody.parse(request.body) } catch {
                throw unrecognized(resource, "\(error)", body: request.body)
            }
        default:
            throw APIError.unsupportedMediaType(objectMediaTypes)
        }
        guard case .object = value else {
            throw unrecognized(resource, "couldn't get version/kind; json parse error: cannot unmarshal into Object",
                               body: request.body)
        }
        return value
    }

    /// transformDecodeError's wording for a body that is not an object of any kind.
    private static func unrecognized(_ resource: Resource, _ reason: String, body: [UInt8]) -> APIError {
        let summary = String(decoding: body.prefix(30), as: UTF8.self) + (body.count > 30 ? " ..." : "")
        return .badRequest("the object provided is unrecognized (must be of type \(resource.kind)): \(reason) (\(summary))")
    }
}

/// YAML documents as JSON values (what kube-apiserver's YAML serializer does before decoding).
enum YAMLBody {
    struct NotAnObject: Error, CustomStringConvertible {
        var description: String { "the YAML document is not an object" }
    }

    static func parse(_ bytes: [UInt8]) throws -> ServerJSON {
        let loaded = try Yams.load(yaml: String(decoding: bytes, as: UTF8.self))
        return try json(loaded)
    }

    private static func json(_ value: Any?) throws -> ServerJSON {
        switch value {
        case nil, is NSNull: return .null
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .int(Int64(number))
        case let number as Double: return .double(number)
        case let text as String: return .string(text)
        case let items as [Any]: return .array(try items.map(json))
        case let members as [AnyHashable: Any]:
            var object: [String: ServerJSON] = [:]
            for (key, member) in members { object["\(key.base)"] = try json(member) }
            return .object(object)
        case let date as Date: return .string(RFC3339.format(date))
        default: return .string("\(value.map { "\($0)" } ?? "")")
        }
    }
}
