import Foundation
import Inventory
import Remote
import SSH

/// The composition root's single mapping from inventory hosts to SSH transports.
enum HostConnections {
    /// How to reach `host`, from its resolved inventory `ssh:` settings and the operator's environment.
    static func configuration(for host: InventoryHost, connectTimeout: Duration = .seconds(10),
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> SSHHost.Configuration {
        let ssh = host.ssh
        var secrets = SSHSecrets.fromEnvironment(environment)
        if let password = ssh.password?.value { secrets.password = password }
        let bastion = ssh.bastion.map { jump in
            SSHHost.Configuration(
                name: "bastion \(jump.address)", address: jump.address, port: jump.port, user: jump.user,
                identityFiles: (jump.identityFile ?? ssh.identityFile).map { [$0] } ?? [],
                knownHostsFile: ssh.knownHostsFile, hostKeyPolicy: policy(ssh.hostKeyPolicy),
                connectTimeout: connectTimeout, secrets: secrets)
        }
        return SSHHost.Configuration(
            name: host.name, address: host.address, port: ssh.port, user: ssh.user,
            identityFiles: ssh.identityFile.map { [$0] } ?? [],
            knownHostsFile: ssh.knownHostsFile, hostKeyPolicy: policy(ssh.hostKeyPolicy),
            bastion: bastion, sudo: sudo(ssh, secrets: secrets),
            connectTimeout: connectTimeout, secrets: secrets)
    }

    static func sshHosts(_ hosts: [InventoryHost], connectTimeout: Duration = .seconds(10)) -> [SSHHost] {
        hosts.map { SSHHost(configuration(for: $0, connectTimeout: connectTimeout)) }
    }

    private static func policy(_ policy: SSHSettings.HostKeyPolicy) -> SSHHost.Configuration.HostKeyPolicy {
        switch policy {
        case .strict: .strict
        case .acceptNew: .acceptNew
        }
    }

    /// Root needs no sudo; another user with `sudo: true` uses `sudo -n` unless a sudo password is
    /// supplied (`KUBEFORGE_SUDO_PASSWORD`), which is then written to sudo's stdin.
    private static func sudo(_ ssh: SSHSettings, secrets: SSHSecrets) -> SSHHost.Configuration.Sudo {
        guard ssh.sudo, ssh.user != "root" else { return .none }
        return secrets.sudoPassword == nil ? .passwordless : .password
    }
}
