// Internal: a file's pages asked of the kernel before they are read.
//
// SQLite (GeoPackage layers and applications) and GDAL read a file a page at
// a time, wherever the B-tree leads. When the file is not in the page cache
// -- the first run after copying it in, or any run on a machine that trims
// cold page cache (this project's 2-vCPU benchmark VM does: DAMON) -- every
// such read waits for the disk on its own: on the province case `--threads
// 1` spent ~10 s of a 44 s run waiting for 290 MB the disk streams in 0.3 s.
// open_vector() asks for the whole file first, so those reads find it there.
#pragma once

#include <cstdint>
#include <string>

namespace redline::io {

/// Has the kernel read the local regular file `path` into the page cache in
/// the background: one thread of the process asks for it (posix_fadvise
/// WILLNEED, 8 MiB a call: the kernel reads at most about that much ahead of
/// one call, and a call waits while the device's queue is full), so the
/// caller never waits. A shapefile brings its .dbf and .shx. Anything that
/// is not a local regular file (a /vsi path, a database connection, a
/// directory) and files larger than a quarter of the machine's memory (they
/// would push out what the run needs) are left alone. Best effort, a hint:
/// returns the bytes it will ask for, never fails.
std::uint64_t prefetch_file(const std::string& path) noexcept;

} // namespace redline::io
