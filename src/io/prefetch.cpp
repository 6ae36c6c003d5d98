#include "io/prefetch.hpp"

#include "util/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace redline::io {

namespace {

constexpr off_t kStep = off_t{8} << 20;

std::uint64_t memory_bytes() noexcept
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long size = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : 0;
}

/// The size of `path` when it is a local regular file worth asking for, else 0.
std::uint64_t wanted(const std::string& path) noexcept
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return 0;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    return size <= memory_bytes() / 4 ? size : 0;
}

/// One thread for the whole process that asks for the files queued, so
/// that no caller waits while the kernel queues the reads (WILLNEED blocks
/// when the device's request queue is full: up to seconds on a cold
/// province). Stopped and joined at exit, between two steps.
class Prefetcher {
public:
    static Prefetcher& instance()
    {
        static Prefetcher p;
        return p;
    }
    void ask(std::string path)
    {
        std::lock_guard lock(m_mutex);
        m_paths.push_back(std::move(path));
        if (!m_thread.joinable())
            m_thread = std::thread([this] { run(); });
        m_changed.notify_one();
    }
    ~Prefetcher()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_one();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    Prefetcher() = default;
    void run()
    {
        for (;;) {
            std::string path;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return m_stopping || !m_paths.empty(); });
                if (m_stopping)
                    return;
                path = std::move(m_paths.front());
                m_paths.pop_front();
            }
            read_ahead(path);
        }
    }
    void read_ahead(const std::string& path)
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        struct stat st {};
        if (::fstat(fd, &st) == 0)
            for (off_t at = 0; at < st.st_size && !stopping(); at += kStep)
                ::posix_fadvise(fd, at, std::min(kStep, st.st_size - at), POSIX_FADV_WILLNEED);
        ::close(fd); // the pages asked for are read all the same
    }
    bool stopping()
    {
        std::lock_guard lock(m_mutex);
        return m_stopping;
    }

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::string> m_paths;
    bool m_stopping = false;
    std::thread m_thread;
};

std::uint64_t ask_for(const std::string& path)
{
    const std::uint64_t size = wanted(path);
    if (size > 0)
        Prefetcher::instance().ask(path);
    return size;
}

} // namespace

std::uint64_t prefetch_file(const std::string& path) noexcept
{
    try {
        if (path.empty() || path.rfind("/vsi", 0) == 0)
            return 0;
        std::uint64_t asked = ask_for(path);
        if (asked > 0 && ends_with_ci(path, ".shp")) {
            const std::string stem = path.substr(0, path.size() - 4);
            const bool upper = path.back() == 'P';
            for (const char* ext : upper ? std::array{".DBF", ".SHX"} : std::array{".dbf", ".shx"})
                asked += ask_for(stem + ext);
        }
        return asked;
    } catch (...) { // a hint: not even a thread that cannot start is worth an error
        return 0;
    }
}

} // namespace redline::io
