// field/rewrap_table.cpp — rewrap_table: a whole column moved to the current key, in batches.
//
// Resumable by construction rather than by a checkpoint file: a value already under the
// current key is skipped, so a killed run started again redoes nothing that was committed.
// Identifiers are checked against a strict pattern and back-quoted; every value travels as a
// bound parameter.
#include <algorithm>
#include <cctype>

#include "verrou/connection.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

namespace verrou {

namespace {

bool is_identifier(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
    });
}

// "customers" → `customers`, "appdb.customers" → `appdb`.`customers`.
std::string quoted_name(const std::string& name, std::string_view what, bool allow_schema) {
    const auto dot = name.find('.');
    if (allow_schema && dot != std::string::npos) {
        return quoted_name(name.substr(0, dot), what, false) + "." + quoted_name(name.substr(dot + 1), what, false);
    }
    if (!is_identifier(name)) {
        throw Error(Code::InvalidArgument, std::string(what) + " '" + name +
                                               "' is not a plain identifier (letters, digits, '_', '$'" +
                                               (allow_schema ? "; optionally database.table" : "") + ")");
    }
    return "`" + name + "`";
}

std::string context_for(const std::string& tmpl, const std::string& id) {
    std::string out;
    std::size_t pos = 0;
    for (;;) {
        const auto at = tmpl.find("{id}", pos);
        out.append(tmpl, pos, at == std::string::npos ? std::string::npos : at - pos);
        if (at == std::string::npos) return out;
        out += id;
        pos = at + 4;
    }
}

// The id goes back to the server with its own type: an integer column compared with a text
// parameter is compared as DOUBLE, which confuses ids above 2^53.
Param id_param(const std::string& text, bool numeric) {
    if (numeric) {
        try {
            std::size_t used = 0;
            const long long n = std::stoll(text, &used);
            if (used == text.size()) return Param(static_cast<std::int64_t>(n));
        } catch (const std::exception&) {
            // an unsigned BIGINT above INT64_MAX, a DECIMAL id: sent as its exact text
        }
    }
    return Param(text);
}

std::uint64_t to_u64(const std::optional<std::string>& v) {
    return v ? std::stoull(*v) : 0;
}

}  // namespace

RewrapTableSummary rewrap_table(Connection& connection, const FieldEncryptor& encryptor,
                                const RewrapTableOptions& options,
                                const std::function<void(const RewrapTableProgress&)>& progress) {
    const std::string table = quoted_name(options.table, "table", true);
    const std::string column = quoted_name(options.column, "column", false);
    const std::string id = quoted_name(options.id_column, "id column", false);
    if (options.column == options.id_column) throw Error(Code::InvalidArgument, "the column and the id column are the same");
    if (options.context_template.empty()) {
        throw Error(Code::InvalidArgument, "the context template is empty (e.g. '" + options.table + "." +
                                               options.column + "#{id}')");
    }
    if (options.batch_size == 0 || options.batch_size > 100000) {
        throw Error(Code::InvalidArgument, "batch size must be 1..100000");
    }
    if (encryptor.current_key_id().empty()) {
        throw Error(Code::EncryptionNoKey, "no current encryption key: set encryption.current_key in the profile");
    }

    RewrapTableSummary summary;
    summary.total = to_u64(connection.query("SELECT COUNT(*) FROM " + table).rows.at(0).at(0));
    const std::string select = "SELECT " + id + ", " + column + " FROM " + table + " WHERE " + id +
                               " > ? ORDER BY " + id + " LIMIT " + std::to_string(options.batch_size);
    const std::string select_first = "SELECT " + id + ", " + column + " FROM " + table + " ORDER BY " + id +
                                     " LIMIT " + std::to_string(options.batch_size);
    const std::string update = "UPDATE " + table + " SET " + column + " = ? WHERE " + id + " = ? AND " + column + " = ?";

    std::optional<Param> last_id;
    for (;;) {
        const ResultSet batch = last_id ? connection.query(select, {*last_id}) : connection.query(select_first);
        if (batch.rows.empty()) break;
        const bool id_numeric = !batch.columns.empty() && batch.columns[0].numeric;
        connection.begin();
        try {
            for (const auto& row : batch.rows) {
                ++summary.seen;
                if (!row.at(0)) throw Error(Code::InvalidArgument, "the id column " + options.id_column + " holds NULL");
                const std::string& row_id = *row[0];
                if (!row.at(1)) {
                    ++summary.skipped;
                    continue;
                }
                const std::string& value = *row[1];
                std::string fresh;
                try {
                    if (!encryptor.needs_rewrap(value)) {
                        ++summary.skipped;
                        continue;
                    }
                    fresh = encryptor.rewrap(value, context_for(options.context_template, row_id));
                } catch (const Error& e) {
                    ++summary.failed;
                    if (summary.failures.size() < options.max_failures_listed) {
                        summary.failures.push_back({row_id, std::string(code_name(e.code())), std::string(e.message())});
                    }
                    continue;
                }
                if (connection.execute(update, {Param(fresh), id_param(row_id, id_numeric), Param(value)}) == 1) {
                    ++summary.rewrapped;
                } else {
                    ++summary.changed_meanwhile;
                }
            }
            connection.commit();
        } catch (...) {
            if (connection.in_transaction()) {
                try {
                    connection.rollback();
                } catch (...) {
                }
            }
            throw;
        }
        last_id = id_param(*batch.rows.back().at(0), id_numeric);
        if (progress) progress(summary);
        if (batch.rows.size() < options.batch_size) break;
    }
    return summary;
}

}  // namespace verrou
