// Default QGIS styles for the GeoPackage outputs: QML documents, the
// `layer_styles` table QGIS reads them from, and per-geometry-kind views over
// the mixed-geometry `sites` and `findings` tables.
//
// Why views: QGIS 3.22 splits a GeoPackage layer of geometry type GEOMETRY
// into one sub-layer per geometry kind, and a QML style (its
// `<layerGeometryType>` and its symbols) fits one kind only; a symbol of the
// wrong kind draws nothing. `sites_point`, `sites_line`, `sites_polygon`
// (and the same for findings) are SQL views over the one table, so they
// cost nothing to write, never disagree with it, and each opens styled.
#pragma once

#include <gdal_priv.h>

#include <optional>
#include <string>
#include <vector>

namespace redline {
class OutputDataset;
}

namespace redline::styles {

/// The three kinds of geometry a QGIS symbol can draw; the values are
/// QGIS's `layerGeometryType` codes.
enum class Kind { Point = 0, Line = 1, Polygon = 2 };

/// The kind of an OGR geometry type (multi-types included); nullopt for
/// none, unknown and collections.
std::optional<Kind> kind_of(OGRwkbGeometryType type);
/// "point", "line", "polygon" (the view suffix).
const char* kind_suffix(Kind k);

/// `sites`: categorized on `verdict`, labelled with `site_id`.
std::string sites_qml(Kind k);
/// `findings`: categorized on `outcome`; the evidence (pieces filled,
/// setback lines drawn, points marked).
std::string findings_qml(Kind k);
/// `zoning` (SPEC §6.3): polygons categorized on `verdict`, the rule ids
/// labelled on the larger ones.
std::string zoning_qml();
/// `zone_summary`: graduated on load / cap (the largest of `load_pct_fields`);
/// an outline labelled with the township's name when there is no cap.
std::string zone_summary_qml(const std::vector<std::string>& load_pct_fields);
/// A context layer (`ctx_<name>`): a style chosen by the rulebook layer's
/// name (red line, units, water, parks, townships), generic otherwise;
/// labelled with `label_field` when it is not empty.
std::string context_qml(const std::string& name, Kind k, const std::string& label_field);

/// `redline diff`'s `changes`: categorized on `direction` (stricter red,
/// looser green, same amber), labelled with `site_id`.
std::string changes_qml(Kind k);
/// `layer_changes`: categorized on `change` (added red, removed green), hatched.
std::string layer_changes_qml();

/// One row of `layer_styles`.
struct StyleRow {
    std::string table;           ///< f_table_name (the layer's exact name)
    std::string geometry_column; ///< f_geometry_column (the layer's own)
    std::string name;            ///< styleName (at most 30 characters)
    std::string description;
    std::string qml;
    /// A database's `type` column: the QGIS geometry type the row is for
    /// ("Point", "Line", "Polygon"; "" = NULL, any). QGIS 3.22's postgres
    /// provider picks the row whose type is the layer's or NULL, the default
    /// first: a mixed table gets one row per kind.
    std::string type = "";
    bool is_default = true; ///< useAsDefault
};

/// "Point", "Line" or "Polygon": QGIS's geometry type name of a kind
/// (QgsWkbTypes::geometryDisplayString).
const char* kind_type(Kind k);

/// Creates the `layer_styles` table through OGR (so it is registered in
/// gpkg_contents as attributes) with exactly QGIS's columns, and writes each
/// row as the default style. GeoPackage only. Throws OutputError.
void write_layer_styles(GDALDataset& ds, const std::vector<StyleRow>& rows);

/// Writes each row into the database's `layer_styles` table (created with
/// QGIS's own schema when absent, as QGIS 3.22 creates it: id,
/// f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
/// styleName, styleQML and styleSLD (xml), useAsDefault, description,
/// owner, ui, update_time, type), after removing the rows of the same
/// tables (earlier runs). Inside the output's transaction. Throws OutputError.
void write_database_layer_styles(OutputDataset& out, const std::vector<StyleRow>& rows);

/// Creates the view `<table>_<kind>` over `table` holding the rows whose
/// geometry is of kind `k` (single or multi), registered in gpkg_contents
/// and gpkg_geometry_columns. The filter reads the GeoPackage geometry
/// header in plain SQL, so any SQLite reader can use the view. GeoPackage
/// only. Returns the view's name; throws OutputError.
std::string write_kind_view(GDALDataset& ds, OGRLayer& table, Kind k);

} // namespace redline::styles
