#include "io/prefetch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace redline::io {

namespace {

constexpr off_t kStep = off_t{8} << 20;

std::uint64_t memory_bytes() noexcept
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long size = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : 0;
}

std::uint64_t prefetch_one(const std::string& path) noexcept
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    std::uint64_t asked = 0;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        static_cast<std::uint64_t>(st.st_size) <= memory_bytes() / 4) {
        for (off_t at = 0; at < st.st_size; at += kStep)
            if (::posix_fadvise(fd, at, std::min(kStep, st.st_size - at), POSIX_FADV_WILLNEED) == 0)
                asked += static_cast<std::uint64_t>(std::min(kStep, st.st_size - at));
    }
    ::close(fd); // the pages asked for are read all the same
    return asked;
}

bool ends_with_shp(const std::string& p)
{
    if (p.size() < 4)
        return false;
    std::string e = p.substr(p.size() - 4);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e == ".shp";
}

} // namespace

std::uint64_t prefetch_file(const std::string& path) noexcept
{
    try {
        if (path.empty() || path.rfind("/vsi", 0) == 0)
            return 0;
        std::uint64_t asked = prefetch_one(path);
        if (asked > 0 && ends_with_shp(path)) {
            const std::string stem = path.substr(0, path.size() - 4);
            const bool upper = path.back() == 'P';
            for (const char* ext : upper ? std::array{".DBF", ".SHX"} : std::array{".dbf", ".shx"})
                asked += prefetch_one(stem + ext);
        }
        return asked;
    } catch (...) { // a hint: not even an allocation failure is worth an error
        return 0;
    }
}

} // namespace redline::io
