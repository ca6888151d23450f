// planted_race.cpp — proves the ThreadSanitizer step can fail: two threads write one int
// without synchronisation. Built only in the TSan build, where CTest expects it to fail.
#include <thread>

namespace {
int counter = 0;  // deliberately unsynchronised
}

int main() {
    std::thread a([] { for (int i = 0; i < 1000; ++i) ++counter; });
    std::thread b([] { for (int i = 0; i < 1000; ++i) ++counter; });
    a.join();
    b.join();
    return counter > 0 ? 0 : 1;
}
