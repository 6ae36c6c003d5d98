// libFuzzer: rulebook YAML → load_rulebook + configure every check.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace redline::fuzz;
    const std::string path = scratch() + "/rulebook.yaml";
    write_file(path, data, size);
    expect_only_redline_errors([&] { load_and_configure(path); });
    return 0;
}
