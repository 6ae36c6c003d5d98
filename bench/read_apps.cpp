// The CPU time of reading applications alone (ApplicationReader::next, no
// screening, no output), per application: the figure of the README's
// "GeoPackage applications read through SQLite". Built on demand:
//   cmake --build build --target redline_read_bench
//   build/redline_read_bench APPLICATIONS [REPEATS]   (REDLINE_GPKG_READ=ogr: the OGR path)
#include "io/gdal.hpp"
#include "io/input.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace {

double thread_cpu_seconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: redline_read_bench APPLICATIONS [REPEATS]\n");
        return 2;
    }
    redline::gdal::initialise();
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    for (int r = 0; r < repeats; ++r) {
        redline::ApplicationReader reader(argv[1], redline::InputOptions{});
        const double start = thread_cpu_seconds();
        std::size_t n = 0;
        for (redline::Application a; reader.next(a);)
            ++n;
        const double cpu = thread_cpu_seconds() - start;
        std::printf("%s: %zu applications, %s path, %.3f s CPU, %.3f µs/application\n", argv[1], n,
                    reader.reads_through_sqlite() ? "SQLite" : "OGR", cpu,
                    n ? cpu / static_cast<double>(n) * 1e6 : 0.0);
    }
    return 0;
}
