import Foundation

/// The files under templates/files, compiled into the binary so a copied kubeforge needs nothing beside it.
/// SwiftPM generates one static per file and no index, so the index is kept here by hand.
public enum EmbeddedTemplates {
    public static let all: [String: [UInt8]] = [
        "placeholder.txt": PackageResources.placeholder_txt,
    ]
}
