// Internal: the GeoPackage spatial index (the gpkg_rtree_index extension),
// bulk-loaded.
//
// GDAL 3.6 builds a GeoPackage RTree by inserting every row through SQLite's
// R*Tree module, about 25 µs a row: for a batch of a million sites and two
// million findings that is longer than the screening. Instead the batch
// writer creates its layers without an index, keeps each feature's envelope
// and, once GDAL has closed the file, writes the R*Tree's nodes directly:
// sort-tile-recursive packing (Leutenegger et al. 1997) into the node format
// of SQLite's rtree.c, then the same triggers and gpkg_extensions row GDAL
// writes. The result is an ordinary RTree (SQLite's rtreecheck() passes,
// and later edits in QGIS maintain it through the triggers).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace redline::gpkg {

/// SQLite handles, closed / finalised when dropped (the R-tree bulk load
/// here and the row writer of gpkg_rows.hpp).
struct DbClose {
    void operator()(sqlite3* db) const noexcept;
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const noexcept;
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

/// One feature's envelope in the layer's CRS, rounded outwards to single
/// precision as SQLite's R*Tree stores it (24 bytes a feature: a batch of a
/// million sites and two million findings keeps 72 MB of them).
struct Envelope {
    std::int64_t fid;
    float min_x, min_y, max_x, max_y;
};

struct SpatialIndex {
    std::string table;
    std::string column;
    std::vector<Envelope> envelopes; ///< features with a non-empty geometry

    /// Notes feature `fid`'s envelope.
    void add(std::int64_t fid, double min_x, double min_y, double max_x, double max_y);
};

/// Adds a bulk-loaded RTree spatial index to each table of the GeoPackage at
/// `path` (closed by GDAL; the tables must have none), the trees packed side
/// by side when `side_by_side` (else one after the other, on this thread).
/// Throws OutputError.
void write_spatial_indexes(const std::string& path, std::vector<SpatialIndex>& indexes, bool side_by_side);

} // namespace redline::gpkg
