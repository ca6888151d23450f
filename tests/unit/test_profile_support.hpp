// Helpers shared by the profile tests: a private temp folder and error capture.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "verrou/error.hpp"

namespace profile_test {

/// A fresh folder under $TMPDIR, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "verrou-profile-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string write(const std::string& name, const std::string& content) const {
        const auto p = path_ / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << content;
        REQUIRE(out.good());
        return p.string();
    }

private:
    std::filesystem::path path_;
};

/// Runs `f`, which must throw verrou::Error; returns it (fails the test otherwise).
inline verrou::Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const verrou::Error& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("expected verrou::Error, got std::exception: " << e.what());
    }
    FAIL("expected verrou::Error, nothing was thrown");
    return verrou::Error(verrou::Code::Ok, "");
}

inline bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

}  // namespace profile_test
