// libFuzzer: access-list CSV → parse_csv, then the access_list check's row
// parsing (scopes, selectors, effects) through a fixed rulebook.
#include "fuzz_common.hpp"

#include "io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace redline::fuzz;
    const std::string& dir = scratch();
    static const std::string rulebook = [&] {
        const std::string p = dir + "/access_rulebook.yaml";
        std::ofstream(p) << "rulebook: 1\nworking_crs: EPSG:4549\nindustry_classes: classes.csv\n"
                            "layers:\n  units: {source: layers.gpkg, key: code, type: kind}\n"
                            "checks:\n  - {id: AL, type: access_list, layer: units, table: fuzz_access.csv}\n";
        return p;
    }();
    expect_only_redline_errors([&] {
        redline::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size));
    });
    write_file(dir + "/fuzz_access.csv", data, size);
    expect_only_redline_errors([&] { load_and_configure(rulebook); });
    return 0;
}
