// io::prefetch_file: what it asks the kernel for, and what it leaves alone.
#include "io/prefetch.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using redline::io::prefetch_file;

namespace {

fs::path fresh_dir()
{
    fs::path d = fs::temp_directory_path() / ("redline_prefetch_" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

void write_bytes(const fs::path& p, std::size_t n)
{
    std::ofstream out(p, std::ios::binary);
    std::string block(4096, 'x');
    for (std::size_t done = 0; done < n; done += block.size())
        out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), n - done)));
}

} // namespace

TEST_CASE("prefetch_file asks for every byte of a local file, in steps", "[prefetch]")
{
    const fs::path d = fresh_dir();
    SECTION("empty and small files")
    {
        write_bytes(d / "empty.gpkg", 0);
        write_bytes(d / "one.gpkg", 1);
        CHECK(prefetch_file((d / "empty.gpkg").string()) == 0);
        CHECK(prefetch_file((d / "one.gpkg").string()) == 1);
    }
    SECTION("exactly one step, one byte over, several steps")
    {
        const std::size_t step = std::size_t{8} << 20;
        write_bytes(d / "step.gpkg", step);
        write_bytes(d / "over.gpkg", step + 1);
        write_bytes(d / "three.csv", 2 * step + 12345);
        CHECK(prefetch_file((d / "step.gpkg").string()) == step);
        CHECK(prefetch_file((d / "over.gpkg").string()) == step + 1);
        CHECK(prefetch_file((d / "three.csv").string()) == 2 * step + 12345);
        // The pages are asked for, not waited for; the file reads the same.
        std::ifstream in(d / "three.csv", std::ios::binary);
        std::vector<char> all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(all.size() == 2 * step + 12345);
    }
    SECTION("a shapefile brings its .dbf and .shx, whatever their case")
    {
        write_bytes(d / "a.shp", 100);
        write_bytes(d / "a.dbf", 20);
        write_bytes(d / "a.shx", 3);
        CHECK(prefetch_file((d / "a.shp").string()) == 123);
        write_bytes(d / "B.SHP", 100);
        write_bytes(d / "B.DBF", 20);
        CHECK(prefetch_file((d / "B.SHP").string()) == 120); // no .SHX: skipped
    }
    fs::remove_all(d);
}

TEST_CASE("prefetch_file leaves alone what is not a local regular file", "[prefetch]")
{
    const fs::path d = fresh_dir();
    CHECK(prefetch_file("") == 0);
    CHECK(prefetch_file((d / "missing.gpkg").string()) == 0);
    CHECK(prefetch_file(d.string()) == 0); // a directory (a FileGDB, a shapefile folder)
    CHECK(prefetch_file("PG:dbname=redline") == 0);
    CHECK(prefetch_file("/vsizip/" + (d / "x.zip").string() + "/a.shp") == 0);
    write_bytes(d / "real.gpkg", 10);
    CHECK(prefetch_file("/vsicurl/file://" + (d / "real.gpkg").string()) == 0);
    std::string long_name(5000, 'n'); // ENAMETOOLONG: no exception, nothing asked
    CHECK(prefetch_file((d / long_name).string()) == 0);
    fs::remove_all(d);
}
