// libFuzzer: an applications CSV file → ApplicationReader (encoding
// detection and transcoding, column lookup, GDAL's CSV driver), then every
// record's geometry text and figures.
#include "fuzz_common.hpp"

#include "util/encoding.hpp"
#include "geometry/geometry_text.hpp"
#include "io/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace redline;
    const std::string path = fuzz::scratch() + "/applications.csv";
    fuzz::write_file(path, data, size);
    fuzz::expect_only_redline_errors([&] {
        ApplicationReader reader(path, InputOptions{});
        Application a;
        for (int n = 0; n < 1000 && reader.next(a); ++n) {
            try {
                parse_text_geometry(a.geometry_text);
            } catch (const RecordError&) {
            }
            for (const auto& [k, v] : a.attributes)
                if (v)
                    encoding::parse_figure(*v);
        }
    });
    return 0;
}
