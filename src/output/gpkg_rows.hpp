// Internal: the rows of a GeoPackage table written through SQLite, not
// through OGRFeature (issue 15).
//
// GDAL 3.6 writes a GeoPackage row by filling an OGRFeature, parsing the WKB
// into an OGRGeometry, re-serialising it, and binding every field by name
// and type: on the province case about 16 µs an application, more than all
// the checks. The batch writer lets GDAL create the file, the tables and
// their columns exactly as before, closes it, and writes the rows of sites
// and findings with prepared multi-row INSERTs in one transaction; the
// geometry blob is built from our WKB in GDAL's exact encoding
// (geometry_blob()). The rows, blobs and metadata are GDAL's; only with no
// rows at all do the metadata rows of sites and findings come in another
// order (GDAL would create those tables later, after zone_summary). What GDAL does around the rows is done as it does it:
// its feature-count triggers are dropped for the insert and recreated from
// their own SQL, gpkg_ogr_contents.feature_count, gpkg_contents extent and
// last_change set as its SaveTimestamp()/SaveExtent() set them. The
// spatial index stays the bulk-loaded one (gpkg_rtree.hpp), fed here.
#pragma once

#include "output/gpkg_rtree.hpp"

#include <ogr_core.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace redline::gpkg {

/// What geometry_blob() learnt of a geometry.
struct BlobGeometry {
    OGRwkbGeometryType type = wkbUnknown; ///< as OGR reports it
    bool empty = true;
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0; ///< 2D envelope (not empty)
};

/// Writes into `out` (replacing its contents) the GeoPackage binary geometry
/// GDAL 3.6 writes for WKB `wkb` (GPkgGeometryFromOGR): "GP", version 0,
/// flags (little endian, empty bit, envelope kind: none for a point or an
/// empty geometry, XY otherwise, XYZ for 3D), `srs_id`, the envelope
/// (min x, max x, min y, max y[, min z, max z]), then ISO WKB. 2D
/// little-endian WKB (what GEOS and convert.hpp give) is copied as it is;
/// anything else (big-endian, Z/M, NaN coordinates, curves) goes through
/// OGR the way GDAL does. Throws OutputError on WKB OGR cannot read.
BlobGeometry geometry_blob(const unsigned char* wkb, std::size_t size, std::int32_t srs_id,
                           std::vector<unsigned char>& out);


class RowWriter;

/// One table's rows: give the columns of a row, then insert(). The rows
/// go to SQLite 64 at a time (fewer when the columns are many), in one
/// multi-row INSERT: SQLite's cost per statement (its AUTOINCREMENT
/// bookkeeping among it) is paid once a batch, not once a row.
class TableRows {
public:
    /// Column `column` (0-based, in the order given to RowWriter::table()).
    /// Text and blobs are copied.
    void text(int column, std::string_view v);
    void integer(int column, std::int64_t v);
    /// NaN is written NULL, as OGR's SetFieldNull / SQLite would.
    void real(int column, double v);
    void null(int column);
    /// The row's geometry (null when `wkb` is empty); what it is, for the caller.
    BlobGeometry geometry(const std::vector<unsigned char>& wkb);
    /// Ends the row (every column not given is NULL). Throws OutputError
    /// with SQLite's message.
    void insert();
    /// Rows inserted so far (those still in the batch included).
    std::int64_t rows() const { return m_rows + static_cast<std::int64_t>(m_pending); }

private:
    friend class RowWriter;
    TableRows(RowWriter& owner, std::string table, std::string column, SpatialIndex* index);
    struct Cell {
        enum class Kind : unsigned char { Null, Text, Blob, Integer, Real } kind = Kind::Null;
        std::int64_t integer = 0;
        double real = 0;
        std::size_t at = 0, size = 0; ///< in m_bytes
    };
    /// Cell 0 of a row is the geometry, then the columns.
    Cell& cell(int column) { return m_cells[m_pending * m_width + static_cast<std::size_t>(column) + 1]; }
    void put_bytes(Cell& c, Cell::Kind kind, const void* p, std::size_t n);
    /// The INSERT of `rows` rows.
    StmtPtr statement(std::size_t rows);
    /// Inserts the rows of the batch; notes their fids, envelopes, extent.
    void flush();
    void bind(sqlite3_stmt* s, int param, const Cell& c);
    RowWriter& m_owner;
    std::string m_table, m_geometry_column;
    std::vector<std::string> m_columns;
    std::int32_t m_srs_id = 0;
    int m_z = 0, m_m = 0;                  ///< gpkg_geometry_columns' z and m
    bool m_saw_z = false, m_saw_m = false; ///< a geometry with Z, with M was written
    std::size_t m_width = 0;               ///< cells a row
    std::size_t m_batch = 1;               ///< rows a statement
    StmtPtr m_insert;                      ///< of m_batch rows
    std::vector<Cell> m_cells;             ///< m_batch rows of m_width
    std::string m_bytes;                   ///< the batch's text and blobs
    std::vector<BlobGeometry> m_geometries; ///< the batch's, one a row (empty: no index entry)
    std::size_t m_pending = 0;             ///< rows in the batch
    std::vector<unsigned char> m_blob;
    SpatialIndex* m_index = nullptr;
    std::int64_t m_rows = 0; ///< inserted
    std::int64_t m_last_fid = -1;
    bool m_extent_set = false;
    double m_min_x = 0, m_min_y = 0, m_max_x = 0, m_max_y = 0;
    std::vector<std::string> m_trigger_sql; ///< GDAL's feature-count triggers, dropped meanwhile
};

/// The GeoPackage at `path` (written and closed by GDAL, its tables empty)
/// opened with SQLite for the rows; one transaction from the first table()
/// to commit(). Dropped uncommitted, it rolls back: nothing was written.
class RowWriter {
public:
    explicit RowWriter(const std::string& path);
    ~RowWriter();
    RowWriter(const RowWriter&) = delete;
    RowWriter& operator=(const RowWriter&) = delete;
    /// The rows of `table` (geometry column `geometry_column`), the INSERT
    /// binding `columns` after the geometry; each written envelope goes to
    /// `index` (may be null). The object lives as long as the writer.
    TableRows& table(const std::string& table, const std::string& geometry_column,
                     const std::vector<std::string>& columns, SpatialIndex* index);
    /// Recreates the triggers, sets the counts, extents and last_change of
    /// the tables written to, commits and closes. Throws OutputError.
    void commit();

private:
    friend class TableRows;
    void exec(const std::string& sql);
    StmtPtr prepare(const std::string& sql);
    [[noreturn]] void fail(const std::string& what);
    void finish_table(TableRows& t);
    DbPtr m_db;
    std::string m_path;
    std::vector<std::unique_ptr<TableRows>> m_tables;
    bool m_in_transaction = false;
};

} // namespace redline::gpkg
