/// `ClusterConfiguration.encryptionAlgorithm`: the key type of every CA, leaf, kubeconfig client and sa.key,
/// spelled as kubeadm spells it. PKI adds key generation; KubeadmConfig decodes it.
public enum EncryptionAlgorithm: String, CaseIterable, Sendable {
    case rsa2048 = "RSA-2048"
    case rsa3072 = "RSA-3072"
    case rsa4096 = "RSA-4096"
    case ecdsaP256 = "ECDSA-P256"
}
