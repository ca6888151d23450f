// verrou field encrypt|decrypt|rewrap|index|rewrap-table: field encryption from the command
// line (docs/encryption.md, docs/cli.md). Values come from stdin, never from the command line.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/connection.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::cli {

namespace {

constexpr const char* kHelp = R"(usage: verrou field encrypt|decrypt|rewrap|index --profile FILE [--env ENV] --context C [--raw]
       verrou field rewrap-table --profile FILE [--env ENV] --table T --column C --id-column ID
                                 --context-template 'T.C#{id}' [--batch-size 500] [--json]

encrypt   reads a value on stdin, prints verrou:v1:<key id>:<Base64> (the profile's current key)
decrypt   reads a ciphertext on stdin, prints the value
rewrap    reads a ciphertext on stdin, prints it re-encrypted under the current key
index     reads a value on stdin, prints its blind index vbi1:<index key id>:<Base64>
The context binds a value to its place (e.g. customers.iban#42); the same one is needed to
decrypt. One trailing newline of stdin is dropped (echo adds one), and decrypt prints one,
unless --raw: then stdin is taken byte for byte and decrypt prints the bytes alone.
Exit 0 done, 2 refused (wrong context, altered value, unknown key...), 3 usage / profile.

rewrap-table re-encrypts a whole column under the current key (key-rotation day), over the
profile environment's connection: in batches of --batch-size rows, one transaction each,
skipping NULLs and values already under the current key, so a run that was stopped is simply
started again. {id} in --context-template becomes each row's id. A progress bar is drawn on
stderr when it is a terminal; a summary (rows done, skipped, failed) ends the run.
Exit 0 every row is under the current key, 2 some rows failed to decrypt (listed), 3 usage.
)";

// All of stdin, up to the largest plaintext (or ciphertext) plus one byte, in a buffer
// reserved once (no reallocated copy of a value left in freed memory) and wiped after use.
SecretBuffer read_stdin(std::size_t max_bytes, bool raw) {
    std::string data;
    data.reserve(max_bytes + 2);
    char chunk[4096];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        const std::size_t room = max_bytes + 1 - data.size();
        data.append(chunk, std::min(static_cast<std::size_t>(n), room));
        if (data.size() > max_bytes) break;
    }
    wipe_bytes(chunk, sizeof chunk);
    if (!raw) {
        if (!data.empty() && data.back() == '\n') data.pop_back();
        if (!data.empty() && data.back() == '\r') data.pop_back();
    }
    if (data.size() > max_bytes) {
        wipe(data);
        throw Error(Code::EncryptionTooLarge, "stdin holds more than " + std::to_string(max_bytes) + " bytes");
    }
    return SecretBuffer::adopt(std::move(data));
}

void print(std::string_view text, bool newline) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (newline) std::fputc('\n', stdout);
    std::fflush(stdout);
}

void draw_bar(const RewrapTableProgress& p) {
    constexpr int width = 30;
    const double done = p.total == 0 ? 1.0 : std::min(1.0, static_cast<double>(p.seen) / static_cast<double>(p.total));
    const int filled = static_cast<int>(done * width);
    std::fprintf(stderr, "\r[%s%s] %3d%%  %llu/%llu rows  rewrapped %llu  skipped %llu  failed %llu",
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), static_cast<int>(done * 100),
                 static_cast<unsigned long long>(p.seen), static_cast<unsigned long long>(p.total),
                 static_cast<unsigned long long>(p.rewrapped), static_cast<unsigned long long>(p.skipped),
                 static_cast<unsigned long long>(p.failed));
    std::fflush(stderr);
}

int rewrap_table_command(const Args& args, const FieldEncryptor& encryptor) {
    RewrapTableOptions o;
    o.table = args.require("--table");
    o.column = args.require("--column");
    o.id_column = args.require("--id-column");
    o.context_template = args.require("--context-template");
    if (auto b = args.get("--batch-size")) {
        try {
            std::size_t used = 0;
            const unsigned long n = std::stoul(*b, &used);
            if (used != b->size()) throw std::invalid_argument("trailing text");
            o.batch_size = n;
        } catch (const std::exception&) {
            throw UsageError{"--batch-size takes a number of rows (1..100000)"};
        }
    }
    const Profile profile = load_profile(args.require("--profile"), args.get_or("--env", ""));
    Connection connection = Connection::open(profile);
    const bool bar = ::isatty(STDERR_FILENO) == 1;
    const RewrapTableSummary s = rewrap_table(connection, encryptor, o, [&](const RewrapTableProgress& p) {
        if (bar) draw_bar(p);
    });
    if (bar) std::fputs("\n", stderr);
    if (args.flag("--json")) {
        std::cout << rewrap_table_summary_json(o, encryptor.current_key_id(), s) << "\n";
    } else {
        for (const auto& f : s.failures) {
            std::cerr << "row " << o.id_column << "=" << f.id << ": [" << f.code << "] " << f.message << "\n";
        }
        if (s.failed > s.failures.size()) std::cerr << "... and " << (s.failed - s.failures.size()) << " more\n";
        std::cout << "rewrap-table " << o.table << "." << o.column << " -> key " << encryptor.current_key_id() << ": "
                  << s.seen << " rows, " << s.rewrapped << " rewrapped, " << s.skipped
                  << " skipped (NULL or already current), " << s.failed << " failed";
        if (s.changed_meanwhile) std::cout << ", " << s.changed_meanwhile << " changed meanwhile (run again)";
        std::cout << "\n";
    }
    return s.failed > 0 ? kCritical : (s.changed_meanwhile > 0 ? kWarning : kOk);
}

}  // namespace

int cmd_field(const ArgList& argv) {
    const Args args(argv,
                    {"--profile", "--env", "--context", "--table", "--column", "--id-column", "--context-template",
                     "--batch-size"},
                    {"--raw", "--json"});
    if (args.help() || args.positional().empty()) {
        std::cout << kHelp;
        return args.help() ? kOk : kUnknown;
    }
    if (args.positional().size() != 1) {
        throw UsageError{"field takes one action and no value on the command line (values come from stdin)"};
    }
    const std::string action = args.positional().front();
    if (action != "encrypt" && action != "decrypt" && action != "rewrap" && action != "index" &&
        action != "rewrap-table") {
        throw UsageError{"unknown action '" + action + "' (encrypt, decrypt, rewrap, index, rewrap-table)"};
    }
    const std::string path = args.require("--profile");
    if (action == "rewrap-table") {
        const FieldEncryptor encryptor = load_field_encryptor(path, args.get_or("--env", ""));
        return rewrap_table_command(args, encryptor);
    }
    const std::string context = args.require("--context");
    const bool raw = args.flag("--raw");
    const FieldEncryptor encryptor = load_field_encryptor(path, args.get_or("--env", ""));
    const bool takes_ciphertext = action == "decrypt" || action == "rewrap";
    const SecretBuffer input = read_stdin(
        takes_ciphertext ? limits::field_ciphertext_max_chars : limits::field_plaintext_max_bytes, raw);
    if (action == "encrypt") {
        print(encryptor.encrypt(input.view(), context), true);
    } else if (action == "index") {
        print(encryptor.blind_index(input.view(), context), true);
    } else if (action == "rewrap") {
        print(encryptor.rewrap(input.view(), context), true);
    } else {
        const SecretBuffer plain = encryptor.decrypt(input.view(), context);
        print(plain.view(), !raw);
    }
    return kOk;
}

}  // namespace verrou::cli
