// Internal: the records of a GeoPackage table read through SQLite, not
// through OGRFeature (issue 15).
//
// GDAL 3.6 reads a GeoPackage row by building an OGRFeature and an
// OGRGeometry; the application reader then formats every field as text and
// exports the geometry back to WKB: about 2.7 µs of CPU an application on
// the province batch. When the source is a plain GeoPackage table, GDAL
// still opens it, picks the layer and describes its fields; the rows are
// then read here, on a read-only connection of our own, with one
// `SELECT fid, geom, <fields> FROM "table" ORDER BY fid` (GDAL's sequential
// read has no ORDER BY: the table's rowid order, which the fid is).
//
// Each field's text is OGRFeature::GetFieldAsString()'s for the value
// GDAL's OGRGeoPackageLayer::TranslateFeature() would have read:
// sqlite3_column_int / _int64 / _double / _text by the field's OGR type,
// whatever SQLite's storage class of the value (text in a REAL column reads
// as GDAL reads it). A blob's WKB is returned as it is when it is what
// ogr_to_wkb() makes of GDAL's geometry (2D little-endian WKB of the seven
// simple types, no NaN coordinate, no byte left over); for any other blob
// (big-endian, Z/M, curves, an empty point, no "GP" header) the caller asks
// GDAL for that one record.
#pragma once

#include "output/gpkg_rtree.hpp"
#include "redline/site.hpp"

#include <ogrsf_frmts.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace redline::gpkg {

class TableReader {
public:
    /// A reader of `layer`'s rows when the fast path reproduces GDAL's
    /// reading exactly: `ds` is a GPKG dataset of a local file (not /vsi),
    /// the layer a table (not a view) with an integer primary key as its
    /// fid and one geometry column, and every field Integer (plain, Boolean
    /// or Int16), Integer64, Real or String. Null otherwise (the caller
    /// reads through OGR): also when REDLINE_GPKG_READ=ogr and when SQLite
    /// cannot open or query the file. Never throws for the file.
    static std::unique_ptr<TableReader> open(GDALDataset& ds, OGRLayer& layer);

    /// Steps to the next row; false at the end (and after). Throws LayerError with
    /// SQLite's message when the file cannot be read.
    bool next();
    std::int64_t fid() const;

    enum class Geometry { Wkb, Null, AskGdal };
    /// The row's geometry: Wkb (into `wkb`, what ogr_to_wkb gives for
    /// GDAL's geometry), Null (the column is NULL: GDAL reads no geometry),
    /// or AskGdal (read this record through GDAL).
    Geometry geometry(std::vector<unsigned char>& wkb) const;
    /// Appends each field of the row to `out`: (name, GetFieldAsString) or
    /// (name, nullopt) for NULL, in the layer's field order.
    void attributes(const std::vector<std::string>& names, Attributes& out);

    ~TableReader();
    TableReader(const TableReader&) = delete;
    TableReader& operator=(const TableReader&) = delete;

private:
    /// How a field's value is read and written as text.
    enum class Kind { Text, Integer, Integer64, Real, RealByGdal };
    TableReader(DbPtr db, StmtPtr stmt, std::vector<Kind> kinds, OGRFeatureDefn& defn);
    std::string real_by_gdal(int field, double v);

    DbPtr m_db;
    StmtPtr m_stmt;
    std::vector<Kind> m_kinds;
    bool m_done = false;
    /// An OGRFeature of the layer's definition, for the reals GDAL formats
    /// by width or as Float32 (OGRFormatFloat): its GetFieldAsString.
    std::unique_ptr<OGRFeature, void (*)(OGRFeature*)> m_scratch;
};

} // namespace redline::gpkg
