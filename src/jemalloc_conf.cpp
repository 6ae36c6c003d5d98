// jemalloc's options for the redline executable (linked only when it is
// linked with jemalloc: CMakeLists.txt). jemalloc reads this symbol when it
// starts; MALLOC_CONF in the environment still overrides it.
//
// thp:always backs the heap with transparent huge pages (the kernel's
// "madvise" mode, Debian's default, grants them only when asked): the
// layers' shared indexes, the R-trees and the results are read at random
// addresses, and on the province case 2 MiB pages cut the page faults from
// ~406,000 to ~24,000 and the run's CPU by ~7 % (README, "Where it stands"),
// for ~80 MB more peak memory.
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:always";
}
