// The test binaries' main: doctest's, plus one guard. CTest runs each case as
// `binary --test-case=<name>`; a name that does not match (a ';' split by CMake's lists, an
// escaped character, a renamed case) would run nothing and still "pass". Here a run asked for
// named cases that runs none of them fails.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string_view>

namespace {

int g_cases_started = 0;

struct CountCases : doctest::IReporter {
    explicit CountCases(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_start(const doctest::TestCaseData&) override { ++g_cases_started; }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("count_cases", 1, CountCases);

bool names_cases(int argc, char** argv) {
    bool named = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a(argv[i]);
        if (a.find("list-") != std::string_view::npos || a.find("-ltc") != std::string_view::npos) return false;
        named = named || a.rfind("--test-case=", 0) == 0 || a.rfind("-tc=", 0) == 0;
    }
    return named;
}

}  // namespace

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int rc = context.run();
    if (rc == 0 && names_cases(argc, argv) && g_cases_started == 0) {
        std::fprintf(stderr, "no test case matches the --test-case filter: nothing was run\n");
        return 1;
    }
    return rc;
}
