#include "cli.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
           const std::set<std::string>& flags) {
    bool only_positional = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (only_positional || a.size() < 2 || a[0] != '-') {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positional = true;
            continue;
        }
        if (a == "-h" || a == "--help") {
            help_ = true;
            continue;
        }
        std::string name = a;
        std::optional<std::string> inline_value;
        if (const auto eq = a.find('='); eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
        }
        if (name == "--password" || name == "--passphrase" || name == "-p") {
            // Command lines end up in shell history and `ps`: refuse instead of ignoring.
            throw UsageError{name + " is not accepted: secrets never go on the command line; use the "
                                    "prompt, --password-stdin or --password-file"};
        }
        if (value_options.count(name)) {
            if (inline_value) {
                values_[name] = *inline_value;
            } else {
                if (i + 1 >= argv.size()) throw UsageError{name + " needs a value"};
                values_[name] = argv[++i];
            }
        } else if (flags.count(name)) {
            if (inline_value) throw UsageError{name + " takes no value"};
            flags_.insert(name);
        } else {
            throw UsageError{"unknown option " + name};
        }
    }
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::string Args::require(const std::string& name) const {
    auto v = get(name);
    if (!v || v->empty()) throw UsageError{name + " is required"};
    return *v;
}

std::string Args::get_or(const std::string& name, std::string fallback) const {
    auto v = get(name);
    return v ? *v : fallback;
}

namespace {

void strip_newline(std::string& s) {
    if (!s.empty() && s.back() == '\n') s.pop_back();
    if (!s.empty() && s.back() == '\r') s.pop_back();
}

// Restores the terminal's echo even when reading throws.
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff() {
        if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

// Longest line kept: the hasher's limit plus one byte, so an over-long password reaches the
// hasher and is refused there (PASSWORD_TOO_LONG) instead of being silently truncated.
constexpr std::size_t kLineMaxBytes = limits::password_max_bytes + 1;

// One line, without its "\n" / "\r\n". The buffer is reserved at its final size before the
// first byte: push_back never reallocates, so no prefix of the password is left in freed heap
// memory, and the one buffer is cleansed on every path (wipe, or ~SecretBuffer).
SecretBuffer read_line_fd(int fd) {
    std::string line;
    line.reserve(kLineMaxBytes);
    const WipeOnExit wipe_line(line);
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') break;
        line.push_back(c);
        if (line.size() >= kLineMaxBytes) break;  // the hasher refuses it
    }
    wipe_bytes(&c, sizeof c);
    strip_newline(line);
    return SecretBuffer(line);
}

SecretBuffer prompt_tty(std::string_view prompt) {
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        throw UsageError{"no terminal to prompt on: use --password-stdin or --password-file"};
    }
    SecretBuffer line;
    {
        EchoOff quiet(fd);
        const std::string p(prompt);
        (void)!::write(fd, p.data(), p.size());
        line = read_line_fd(fd);
        (void)!::write(fd, "\n", 1);
    }
    ::close(fd);
    return line;
}

}  // namespace

SecretBuffer read_password(const Args& args, std::string_view prompt, bool confirm) {
    const bool from_stdin = args.flag("--password-stdin");
    const auto file = args.get("--password-file");
    if (from_stdin && file) throw UsageError{"--password-stdin and --password-file are exclusive"};
    if (from_stdin) return read_line_fd(STDIN_FILENO);
    if (file) {
        SecretRef ref(SecretRef::Kind::File, *file);
        // Same rules as profile secrets: trailing newline stripped, errors name the file only.
        return resolve_secret(ref, "password");
    }
    SecretBuffer first = prompt_tty(prompt);
    if (confirm) {
        SecretBuffer again = prompt_tty("Again: ");
        if (!constant_time_equal(first.view(), again.view())) throw UsageError{"the two passwords differ"};
    }
    return first;
}

}  // namespace verrou::cli
