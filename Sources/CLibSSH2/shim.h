// libssh2's convenience API is made of function-like macros, which Swift does not import.
// These static inline wrappers give Swift a callable name for each one kubeforge uses.
#ifndef KUBEFORGE_CLIBSSH2_SHIM_H
#define KUBEFORGE_CLIBSSH2_SHIM_H

#include <string.h>
#include <stdlib.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <libssh2_publickey.h>

static inline LIBSSH2_SESSION *kf_session_init(void) { return libssh2_session_init(); }

static inline LIBSSH2_CHANNEL *kf_channel_open_session(LIBSSH2_SESSION *s) { return libssh2_channel_open_session(s); }

static inline int kf_channel_exec(LIBSSH2_CHANNEL *c, const char *command) { return libssh2_channel_exec(c, command); }

static inline ssize_t kf_channel_read(LIBSSH2_CHANNEL *c, char *buf, size_t len) { return libssh2_channel_read(c, buf, len); }

static inline ssize_t kf_channel_read_stderr(LIBSSH2_CHANNEL *c, char *buf, size_t len) { return libssh2_channel_read_stderr(c, buf, len); }

static inline ssize_t kf_channel_write(LIBSSH2_CHANNEL *c, const char *buf, size_t len) { return libssh2_channel_write(c, buf, len); }

static inline int kf_channel_eof(LIBSSH2_CHANNEL *c) { return libssh2_channel_eof(c); }

static inline int kf_channel_send_eof(LIBSSH2_CHANNEL *c) { return libssh2_channel_send_eof(c); }

static inline int kf_channel_close(LIBSSH2_CHANNEL *c) { return libssh2_channel_close(c); }

static inline int kf_channel_wait_closed(LIBSSH2_CHANNEL *c) { return libssh2_channel_wait_closed(c); }

static inline LIBSSH2_CHANNEL *kf_channel_direct_tcpip(LIBSSH2_SESSION *s, const char *host, int port) {
    return libssh2_channel_direct_tcpip(s, host, port);
}

static inline int kf_userauth_password(LIBSSH2_SESSION *s, const char *user, const char *password) {
    return libssh2_userauth_password(s, user, password);
}

static inline int kf_userauth_keyboard_interactive(LIBSSH2_SESSION *s, const char *user,
                                                   LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC((*cb))) {
    return libssh2_userauth_keyboard_interactive(s, user, cb);
}

static inline int kf_userauth_publickey_fromfile(LIBSSH2_SESSION *s, const char *user, const char *pub,
                                                 const char *priv, const char *passphrase) {
    return libssh2_userauth_publickey_fromfile(s, user, pub, priv, passphrase);
}

static inline LIBSSH2_SFTP_HANDLE *kf_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned long flags, long mode) {
    return libssh2_sftp_open(sftp, path, flags, mode);
}

static inline int kf_sftp_close(LIBSSH2_SFTP_HANDLE *h) { return libssh2_sftp_close(h); }

static inline int kf_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path) { return libssh2_sftp_unlink(sftp, path); }

static inline int kf_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attrs) {
    return libssh2_sftp_stat(sftp, path, attrs);
}

static inline int kf_sftp_rename(LIBSSH2_SFTP *sftp, const char *from, const char *to, long flags) {
    return libssh2_sftp_rename_ex(sftp, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to), flags);
}

static inline int kf_session_handshake(LIBSSH2_SESSION *s, int sock) { return libssh2_session_handshake(s, sock); }

/* ---- additions for SSHHost (non-blocking sessions, tunnels, SFTP, known_hosts) ---- */

/* Custom transport: a session whose bytes travel over another session's channel (a bastion). */
typedef ssize_t (*kf_send_fn)(libssh2_socket_t socket, const void *buffer, size_t length, int flags, void **abstract);
typedef ssize_t (*kf_recv_fn)(libssh2_socket_t socket, void *buffer, size_t length, int flags, void **abstract);
static inline void kf_session_set_transport(LIBSSH2_SESSION *s, kf_send_fn send_fn, kf_recv_fn recv_fn) {
    libssh2_session_callback_set(s, LIBSSH2_CALLBACK_SEND, (void *)send_fn);
    libssh2_session_callback_set(s, LIBSSH2_CALLBACK_RECV, (void *)recv_fn);
}

static inline int kf_session_disconnect(LIBSSH2_SESSION *s, const char *why) { return libssh2_session_disconnect(s, why); }

static inline LIBSSH2_CHANNEL *kf_channel_direct_tcpip_ex(LIBSSH2_SESSION *s, const char *host, int port) {
    return libssh2_channel_direct_tcpip_ex(s, host, port, "127.0.0.1", 22);
}

/* Keyboard-interactive answers must be allocated with the allocator libssh2 frees them with. */
static inline void kf_kbdint_set_response(LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, int index, const char *text) {
    size_t len = strlen(text);
    char *copy = (char *)malloc(len + 1);
    if (copy) { memcpy(copy, text, len + 1); }
    responses[index].text = copy;
    responses[index].length = copy ? (unsigned int)len : 0;
}

static inline int kf_sftp_open_write(LIBSSH2_SFTP *sftp, const char *path, long mode, LIBSSH2_SFTP_HANDLE **out) {
    *out = libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path),
                                LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, mode, LIBSSH2_SFTP_OPENFILE);
    return *out ? 0 : -1;
}
static inline LIBSSH2_SFTP_HANDLE *kf_sftp_open_read(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
}
static inline int kf_sftp_set_mode(LIBSSH2_SFTP_HANDLE *h, unsigned long mode) {
    LIBSSH2_SFTP_ATTRIBUTES attrs;
    memset(&attrs, 0, sizeof attrs);
    attrs.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
    attrs.permissions = mode;
    return libssh2_sftp_fsetstat(h, &attrs);
}
static inline int kf_sftp_lstat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attrs) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_SFTP_LSTAT, attrs);
}
static inline int kf_sftp_mkdir(LIBSSH2_SFTP *sftp, const char *path, long mode) {
    return libssh2_sftp_mkdir_ex(sftp, path, (unsigned int)strlen(path), mode);
}
static inline int kf_sftp_rename_plain(LIBSSH2_SFTP *sftp, const char *from, const char *to) {
    return libssh2_sftp_rename_ex(sftp, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to),
                                  LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE);
}

/* Constants Swift cannot import as plain literals. */
static const unsigned long KF_FX_NO_SUCH_FILE = LIBSSH2_FX_NO_SUCH_FILE;
static const unsigned long KF_FX_FAILURE = LIBSSH2_FX_FAILURE;
static const unsigned long KF_FX_FILE_ALREADY_EXISTS = LIBSSH2_FX_FILE_ALREADY_EXISTS;
static const unsigned long KF_FX_PERMISSION_DENIED = LIBSSH2_FX_PERMISSION_DENIED;
static const int KF_KNOWNHOST_TYPE_PLAIN = LIBSSH2_KNOWNHOST_TYPE_PLAIN;
static const int KF_KNOWNHOST_KEYENC_RAW = LIBSSH2_KNOWNHOST_KEYENC_RAW;
static const int KF_KNOWNHOST_KEY_SSHRSA = LIBSSH2_KNOWNHOST_KEY_SSHRSA;
static const int KF_KNOWNHOST_KEY_SSHDSS = LIBSSH2_KNOWNHOST_KEY_SSHDSS;
static const int KF_KNOWNHOST_KEY_ECDSA_256 = LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
static const int KF_KNOWNHOST_KEY_ECDSA_384 = LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
static const int KF_KNOWNHOST_KEY_ECDSA_521 = LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
static const int KF_KNOWNHOST_KEY_ED25519 = LIBSSH2_KNOWNHOST_KEY_ED25519;
static const int KF_KNOWNHOST_FILE_OPENSSH = LIBSSH2_KNOWNHOST_FILE_OPENSSH;
static const unsigned long KF_SFTP_S_IFMT = LIBSSH2_SFTP_S_IFMT;
static const unsigned long KF_SFTP_S_IFREG = LIBSSH2_SFTP_S_IFREG;
static const unsigned long KF_SFTP_S_IFDIR = LIBSSH2_SFTP_S_IFDIR;
static const unsigned long KF_SFTP_S_IFLNK = LIBSSH2_SFTP_S_IFLNK;

#endif
