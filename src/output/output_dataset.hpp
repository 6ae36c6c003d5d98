// Internal: one GDAL output dataset and how every layer redline writes into
// it is made (OutputOptions, sink.hpp): names with the layer prefix, the
// -lco creation options, the output CRS (--t_srs), existing layers refused
// or replaced. The batch writer uses it, and so can any command that writes
// layers (diff, zoning), so the options mean the same everywhere.
//
// Three ways a dataset is opened:
//   - a new file (driver->Create), written under its temporary name;
//   - a GeoPackage added to (a layer prefix and the file exists): the file
//     is copied to the temporary name first, so the rename-into-place
//     stays all or nothing;
//   - a database (`PG:`): opened for update and written in ONE transaction
//     (begun here, committed by commit(), rolled back by rollback() or when
//     the object dies uncommitted), so a failed or cancelled run leaves the
//     database as it was.
#pragma once

#include "io/gdal.hpp"
#include "redline/lang.hpp"
#include "redline/sink.hpp"

#include <cpl_string.h>

#include <string>
#include <vector>

namespace redline {

class OutputDataset {
public:
    /// Opens or creates `path` (see above); `copy_from` is the file a
    /// GeoPackage is added to ("" = create). `working` is the CRS results are
    /// computed in. Throws OutputError (UsageError for a bad --t_srs).
    OutputDataset(const std::string& path, const std::string& format, const OutputOptions& options,
                  const OGRSpatialReference& working, Lang lang, const std::string& copy_from = "");
    ~OutputDataset();
    OutputDataset(const OutputDataset&) = delete;
    OutputDataset& operator=(const OutputDataset&) = delete;

    GDALDataset& ds() { return *m_ds; }
    bool gpkg() const { return m_gpkg; }
    bool database() const { return m_database; }
    /// The schema tables are written in (a database; "" otherwise).
    const std::string& schema() const { return m_schema; }

    /// The name a layer called `base` gets: the prefix, then `base`
    /// (lowercase in a database, as PostgreSQL folds it).
    std::string name(const std::string& base) const;
    /// Refuses the layers among `bases` that exist already, naming them
    /// (OutputError), unless --overwrite, which drops them (a table's
    /// dependent views too) inside the transaction.
    void claim(const std::vector<std::string>& bases);
    /// Creates layer `base` in the output CRS (none when `type` is wkbNone)
    /// with the user's -lco options, plus each of `defaults` the user did
    /// not set. Throws OutputError.
    OGRLayer* create_layer(const std::string& base, OGRwkbGeometryType type,
                           const CPLStringList& defaults = {});
    /// redline's creation options for this driver: a database gets the
    /// GeoPackage's column names (GEOMETRY_NAME=geom, FID=fid), so one
    /// canonical dump reads both; pass to create_layer() (-lco wins).
    CPLStringList default_options() const;
    /// Whether the user gave -lco NAME.
    bool user_option(const char* name) const;

    /// The CRS layers are written in (--t_srs, or working_crs).
    const OGRSpatialReference& srs() const { return m_srs; }
    /// Takes `g` from working_crs to the output CRS in place; false when
    /// PROJ cannot (the caller writes no geometry rather than a wrong one).
    bool to_output(OGRGeometry& g) const;

    /// Runs one SQL statement (a database, or the GeoPackage's SQLite);
    /// throws OutputError naming `what`.
    void execute(const std::string& sql, const std::string& what);
    /// Begins a transaction where the driver has them (a GeoPackage: much
    /// faster writing); a database is in one from the start.
    void begin_transaction();
    /// Commits the transaction (a no-op when there is none). Throws OutputError.
    void commit();
    /// Rolls the database transaction back; never throws.
    void rollback() noexcept;
    /// Closes the dataset; throws OutputError when GDAL reports a failure.
    void close();
    /// Opens a file closed by close() again for update (a GeoPackage whose
    /// rows were written through SQLite meanwhile, gpkg_rows.hpp). Throws OutputError.
    void reopen();
    /// Whether geometries are taken to another CRS (--t_srs not the working CRS).
    bool reprojects() const { return m_to_output != nullptr; }

    /// "'public.sites'" or "'sites'": a layer as messages name it.
    std::string quoted(const std::string& layer) const;

private:
    bool exists(const std::string& layer);
    void drop(const std::string& layer);
    gdal::DatasetPtr m_ds;
    std::string m_path;   ///< a file's: reopen()
    std::string m_format;
    OutputOptions m_options;
    Lang m_lang;
    bool m_gpkg = false;
    bool m_database = false;
    bool m_in_transaction = false;
    std::string m_schema;
    OGRSpatialReference m_srs;
    gdal::TransformPtr m_to_output; ///< null: the output CRS is working_crs
};

/// An SQL identifier in double quotes and a text literal in single quotes.
std::string sql_identifier(const std::string& s);
std::string sql_text(const std::string& s);

} // namespace redline
