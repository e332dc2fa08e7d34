// libssh2's convenience API is made of function-like macros, which Swift does not import.
// These static inline wrappers give Swift a callable name for each one kubeforge uses.
#ifndef KUBEFORGE_CLIBSSH2_SHIM_H
#define KUBEFORGE_CLIBSSH2_SHIM_H

#include <string.h>
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

#endif
