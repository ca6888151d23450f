// A glob matcher of our own instead of fnmatch(3), which Windows does not have. It follows
// glibc's fnmatch(FNM_PERIOD) in the C locale (verrou never calls setlocale), down to how it
// reads malformed brackets, so a pattern that worked on Linux keeps its meaning there and means
// the same on Windows. Checked against glibc 2.36 on millions of random patterns; the one known
// difference is a glibc quirk (after a leading "*?", a '.' is refused by a following '[...]').
#include "common/glob.hpp"

#include <cctype>
#include <cstddef>

namespace verrou::common {

namespace {

using uchar = unsigned char;

enum class Class { None, Alnum, Alpha, Blank, Cntrl, Digit, Graph, Lower, Print, Punct, Space, Upper, Xdigit };

Class class_named(std::string_view name) {
    constexpr struct {
        std::string_view name;
        Class value;
    } kClasses[] = {{"alnum", Class::Alnum}, {"alpha", Class::Alpha}, {"blank", Class::Blank},
                    {"cntrl", Class::Cntrl}, {"digit", Class::Digit}, {"graph", Class::Graph},
                    {"lower", Class::Lower}, {"print", Class::Print}, {"punct", Class::Punct},
                    {"space", Class::Space}, {"upper", Class::Upper}, {"xdigit", Class::Xdigit}};
    for (const auto& c : kClasses) {
        if (c.name == name) return c.value;
    }
    return Class::None;
}

bool in_class(Class k, uchar c) {
    switch (k) {
        case Class::Alnum: return std::isalnum(c) != 0;
        case Class::Alpha: return std::isalpha(c) != 0;
        case Class::Blank: return std::isblank(c) != 0;
        case Class::Cntrl: return std::iscntrl(c) != 0;
        case Class::Digit: return std::isdigit(c) != 0;
        case Class::Graph: return std::isgraph(c) != 0;
        case Class::Lower: return std::islower(c) != 0;
        case Class::Print: return std::isprint(c) != 0;
        case Class::Punct: return std::ispunct(c) != 0;
        case Class::Space: return std::isspace(c) != 0;
        case Class::Upper: return std::isupper(c) != 0;
        case Class::Xdigit: return std::isxdigit(c) != 0;
        case Class::None: return false;
    }
    return false;
}

// What one pattern element (a literal, '?' or a bracket) did with one name character.
enum class Step { Match, NoMatch, Invalid };

bool is_class_letter(char ch) { return ch >= 'a' && ch < 'z'; }  // glibc's test, 'z' excluded

enum class Skip { Closed, Unterminated, Invalid };

// After an element of the bracket matched, the rest is only skipped, with looser rules than the
// parse (glibc does the same, and a pattern must keep its Linux meaning). `p` is past the
// matching element; when Closed, `end` is past the closing ']'.
Skip skip_bracket(std::string_view pat, std::size_t p, std::size_t& end) {
    for (;;) {
        if (p >= pat.size()) return Skip::Unterminated;
        const char ch = pat[p++];
        if (ch == ']') break;
        if (ch == '\\') {
            if (p >= pat.size()) return Skip::Invalid;
            ++p;
        } else if (ch == '[' && p < pat.size() && pat[p] == ':') {
            std::size_t q = p + 1;
            while (q < pat.size() && is_class_letter(pat[q])) ++q;
            if (q + 1 < pat.size() && pat[q] == ':' && pat[q + 1] == ']') p = q + 2;
        } else if (ch == '[' && p < pat.size() && pat[p] == '=') {
            if (p + 3 >= pat.size() || pat[p + 2] != '=' || pat[p + 3] != ']') return Skip::Invalid;
            p += 4;
        } else if (ch == '[' && p < pat.size() && pat[p] == '.') {
            const std::size_t close = pat.find(".]", p + 1);
            if (close == std::string_view::npos) return Skip::Invalid;
            p = close + 2;
        }
    }
    end = p;
    return Skip::Closed;
}

// `[.x.]`, which in the C locale is only ever one character. `p` is at the '['.
Step collating_symbol(std::string_view pat, std::size_t& p, uchar& out) {
    const std::size_t close = pat.find(".]", p + 2);
    if (close == std::string_view::npos || close != p + 3) return Step::Invalid;
    out = static_cast<uchar>(pat[p + 2]);
    p = close + 2;
    return Step::Match;
}

// `p` is just past the '['. On return `end` is just past the closing ']'. Step::Invalid is a
// malformed bracket, which matches nothing here; `unterminated` means there is no closing ']',
// and then the '[' is an ordinary character.
Step match_bracket(std::string_view pat, std::size_t p, uchar c, std::size_t& end, bool& unterminated) {
    unterminated = false;
    bool negate = false;
    if (p < pat.size() && (pat[p] == '!' || pat[p] == '^')) {
        negate = true;
        ++p;
    }
    const auto matched = [&] {
        switch (skip_bracket(pat, p, end)) {
            case Skip::Closed: return negate ? Step::NoMatch : Step::Match;
            case Skip::Unterminated: unterminated = true; return Step::NoMatch;
            case Skip::Invalid: break;
        }
        return Step::Invalid;
    };
    bool first = true;  // a ']' right after the '[' (or '[!') is an ordinary member
    for (;;) {
        if (p >= pat.size()) {
            unterminated = true;
            return Step::NoMatch;
        }
        const char ch = pat[p];
        if (ch == ']' && !first) {
            end = p + 1;
            return negate ? Step::Match : Step::NoMatch;
        }
        first = false;
        const char next = p + 1 < pat.size() ? pat[p + 1] : '\0';
        if (ch == '[' && next == ':') {
            std::size_t q = p + 2;
            while (q < pat.size() && is_class_letter(pat[q])) ++q;
            if (q + 1 < pat.size() && pat[q] == ':' && pat[q + 1] == ']') {
                const Class k = class_named(pat.substr(p + 2, q - (p + 2)));
                if (k == Class::None) return Step::Invalid;
                p = q + 2;
                if (in_class(k, c)) return matched();
                continue;
            }
            // Not a class name after all: an ordinary '['.
        }
        if (ch == '[' && next == '=' && p + 4 < pat.size() && pat[p + 3] == '=' && pat[p + 4] == ']') {
            const uchar member = static_cast<uchar>(pat[p + 2]);
            p += 5;
            if (member == c) return matched();
            continue;
        }
        uchar lo = 0;
        bool range_possible = false;
        if (ch == '[' && next == '.') {
            if (collating_symbol(pat, p, lo) == Step::Invalid) return Step::Invalid;
            range_possible = p + 1 < pat.size() && pat[p] == '-';
        } else {
            if (ch == '\\') {
                if (++p >= pat.size()) return Step::Invalid;
            }
            lo = static_cast<uchar>(pat[p++]);
            range_possible = p + 1 < pat.size() && pat[p] == '-' && pat[p + 1] != ']';
        }
        if (!range_possible && lo == c) return matched();
        if (p < pat.size() && pat[p] == '-' && p + 1 < pat.size() && pat[p + 1] != ']') {
            ++p;
            uchar hi = 0;
            if (pat[p] == '[' && p + 1 < pat.size() && pat[p + 1] == '.') {
                if (collating_symbol(pat, p, hi) == Step::Invalid) return Step::Invalid;
            } else {
                if (pat[p] == '\\' && ++p >= pat.size()) return Step::Invalid;
                hi = static_cast<uchar>(pat[p++]);
            }
            if (lo <= c && c <= hi) return matched();
        } else if (p < pat.size() && pat[p] == '-' && p + 1 >= pat.size()) {
            return Step::Invalid;  // "[a-" at the very end: a range without an end
        }
    }
}

}  // namespace

bool glob_match(std::string_view pat, std::string_view name) noexcept {
    std::size_t p = 0, n = 0;
    // Where to resume after the last '*': that star then swallows one more character.
    std::size_t star_p = std::string_view::npos, star_n = 0;
    const auto leading_period = [&](std::size_t at) { return at == 0 && !name.empty() && name[0] == '.'; };

    while (true) {
        Step step = Step::NoMatch;
        std::size_t next_p = p;
        if (p < pat.size() && pat[p] == '*') {
            if (leading_period(n)) return false;
            while (p < pat.size() && pat[p] == '*') ++p;
            star_p = p;
            star_n = n;
            continue;
        }
        if (p >= pat.size()) {
            if (n == name.size()) return true;
        } else if (n < name.size()) {
            const uchar c = static_cast<uchar>(name[n]);
            const char pc = pat[p];
            if (pc == '?') {
                step = leading_period(n) ? Step::NoMatch : Step::Match;
                next_p = p + 1;
            } else if (pc == '[') {
                bool unterminated = false;
                std::size_t end = p;
                step = match_bracket(pat, p + 1, c, end, unterminated);
                if (unterminated) {
                    step = c == '[' ? Step::Match : Step::NoMatch;
                    next_p = p + 1;
                } else {
                    if (step == Step::Match && leading_period(n)) step = Step::NoMatch;
                    next_p = end;
                }
            } else if (pc == '\\') {
                if (p + 1 >= pat.size()) return false;  // a trailing '\' matches nothing
                step = static_cast<uchar>(pat[p + 1]) == c ? Step::Match : Step::NoMatch;
                next_p = p + 2;
            } else {
                step = static_cast<uchar>(pc) == c ? Step::Match : Step::NoMatch;
                next_p = p + 1;
            }
        }
        if (step == Step::Match) {
            p = next_p;
            ++n;
            continue;
        }
        if (star_p == std::string_view::npos || star_n >= name.size()) return false;
        p = star_p;
        n = ++star_n;
    }
}

}  // namespace verrou::common
