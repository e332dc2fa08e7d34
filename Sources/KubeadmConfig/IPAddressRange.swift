import KubeTypes

/// A service or pod CIDR, by the name kubeadm's configuration code here has always used.
public typealias IPAddressRange = IPNetwork
