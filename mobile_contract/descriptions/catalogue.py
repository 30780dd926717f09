"""The category catalogue and the service area.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # the category catalogue and the service area
    "listCategories": (
        "The active category catalogue: components (部件) and events (事件) grouped by major class (GB/T "
        "30428.2), each with its names, default department, time limits, whether citizens may report it and "
        "whether it needs verification on site (核实). Cache it: the answer carries an ETag, and sending it "
        "back in If-None-Match answers 304 with no body while nothing changed. Needs no token."
    ),
    "updateCategory": (
        "Changes one category: names, default department, time limits, reporting rules, duplicate and join "
        "radius, minimum photos, or whether it is active; fields left out stay as they are. The urgent limit "
        "may not be longer than the normal one. Changes apply to reports and deadlines from now on. Admins "
        "only; audited with every changed field before and after."
    ),
    "getServiceArea": (
        "Where the city takes reports: the service area as a GeoJSON geometry, its bounding box and its "
        "centre, in the coordinate system asked for. Use it to centre the map and to warn before submitting a "
        "point outside. Needs no token."
    ),
}


SCHEMAS: dict[str, str] = {
    # categories and the service area
    "Catalogue": (
        "The active category catalogue (分类目录), grouped by kind and major class; cache it with its ETag."
    ),
    "CategoryGroup": (
        "A major class of the catalogue (GB/T 30428.2), for example components 01 public utilities (公用设施) "
        "or events 05 street order (街面秩序), with its categories."
    ),
    "Category": (
        "A kind of problem people report: a component (部件, city property such as a manhole cover) or an event "
        "(事件, such as exposed rubbish), with its names, department, time limits and reporting rules."
    ),
    "CategoryUpdate": "An admin's change to a category; fields left out stay as they are.",
    "GridFeatureCollection": (
        "A GeoJSON FeatureCollection (RFC 7946) of unit or responsibility grids (单元网格, 责任网格): Polygon or "
        "MultiPolygon features, each with a `code` property; read as it is sent, up to 50 MB."
    ),
    "ServiceArea": "Where the city takes reports: the area, its bounding box and its centre.",
}


PROPERTIES: dict[str, str] = {
    "GridFeatureCollection.type": "Always FeatureCollection.",
    "GridFeatureCollection.features": (
        "The grids: Polygon or MultiPolygon features in WGS-84 with a `code` property (15-digit unit grid codes "
        "under the district code; responsibility grid codes as the GIS office gives them) and optionally `name`."
    ),
    # Catalogue, CategoryGroup, Category, CategoryUpdate
    "Catalogue.version": "The catalogue version in force, for example gbt30428-2013.demo-1.",
    "Catalogue.title": "The catalogue's title, in Chinese.",
    "Catalogue.groups": "The major classes with their active categories, components first.",
    "CategoryGroup.kind": "component (部件) or event (事件).",
    "CategoryGroup.major": "The 2-digit major class, for example 01.",
    "CategoryGroup.name_zh": "The class's Chinese name, for example 公用设施.",
    "CategoryGroup.name_en": "The class's English name, for example Public utilities.",
    "CategoryGroup.categories": "The active categories of the class.",
    "Category.code": (
        "The category's code: C (component, 部件) or E (event, 事件), the 2-digit major class, then the minor "
        "class, for example C0102 or E0102."
    ),
    "Category.kind": "component (部件: city property such as a manhole cover) or event (事件: such as exposed rubbish).",
    "Category.major": "The 2-digit major class it belongs to.",
    "Category.name_zh": "The Chinese name, for example 暴露垃圾.",
    "Category.name_en": "The English name, for example Exposed rubbish.",
    "Category.default_department": (
        "The code of the department (专业部门) that handles it where no district link says otherwise; null for "
        "none (dispatch chooses)."
    ),
    "Category.limit_urgent_hours": "Time to handle an urgent case, in working hours (0.5 = 30 minutes).",
    "Category.limit_normal_hours": "Time to handle a normal case, in working hours.",
    "Category.citizen_reportable": "true when citizens may report it; otherwise only staff (patrol reports).",
    "Category.needs_verification": (
        "true when a citizen's report is verified on site (核实) by an inspector before registration; false "
        "when it may be registered directly (emergencies)."
    ),
    "Category.duplicate_radius_m": (
        "Metres around a new report within which open cases of this category are offered as possible "
        "duplicates (listNearbyReports)."
    ),
    "Category.join_radius_m": (
        "Metres within which a new report joins an open case of this category instead of opening a new one; "
        "0 never joins."
    ),
    "Category.join_window_hours": "How recent, in hours, an open case must be for a new report to join it; 0 never joins.",
    "Category.min_photos": "How many photos a report of this category needs at least (0 to 6).",
    "Category.active": "false when the category is retired: it is no longer offered and new reports are refused.",
    "CategoryUpdate.name_zh": "The Chinese name, 1 to 64 characters.",
    "CategoryUpdate.name_en": "The English name, 1 to 128 characters.",
    "CategoryUpdate.default_department": "An existing department's code, or null for none.",
    "CategoryUpdate.limit_urgent_hours": (
        "Working hours to handle an urgent case, more than 0 and at most 9,999; not longer than the normal limit."
    ),
    "CategoryUpdate.limit_normal_hours": "Working hours to handle a normal case, more than 0 and at most 9,999.",
    "CategoryUpdate.citizen_reportable": "Whether citizens may report it.",
    "CategoryUpdate.needs_verification": "Whether a citizen's report is verified on site (核实) before registration.",
    "CategoryUpdate.duplicate_radius_m": "Duplicate search radius in metres, 10 to 1,000.",
    "CategoryUpdate.join_radius_m": "Join radius in metres, 0 to 1,000 (0: never join).",
    "CategoryUpdate.join_window_hours": "Join window in hours, 0 to 720 (30 days; 0: never join).",
    "CategoryUpdate.min_photos": "Photos a report needs at least, 0 to 6.",
    "CategoryUpdate.active": "false retires the category; true brings it back.",
    # ServiceArea, Location, Point
    "ServiceArea.name": "The area's name, for example 东城区.",
    "ServiceArea.geometry": "The area as a GeoJSON Polygon or MultiPolygon, coordinates [lon, lat] in the system asked for.",
    "ServiceArea.bbox": "The bounding box [min_lon, min_lat, max_lon, max_lat], in WGS-84 degrees.",
    "ServiceArea.center": "A point inside the area to centre the map on, in the system asked for.",
}


EXAMPLES: dict[str, Any] = {
    # categories and the service area
    "Category": {
        "code": "E0102",
        "kind": "event",
        "major": "01",
        "name_zh": "暴露垃圾",
        "name_en": "Exposed rubbish",
        "default_department": "sanitation",
        "limit_urgent_hours": 2.0,
        "limit_normal_hours": 8.0,
        "citizen_reportable": True,
        "needs_verification": True,
        "duplicate_radius_m": 250,
        "join_radius_m": 50,
        "join_window_hours": 24,
        "min_photos": 0,
        "active": True,
    },
    "CategoryGroup": {
        "kind": "component",
        "major": "01",
        "name_zh": "公用设施",
        "name_en": "Public utilities",
        "categories": [
            {
                "code": "C0102",
                "kind": "component",
                "major": "01",
                "name_zh": "污水井盖",
                "name_en": "Sewage manhole cover",
                "default_department": "drainage",
                "limit_urgent_hours": 0.5,
                "limit_normal_hours": 6.0,
                "citizen_reportable": True,
                "needs_verification": True,
                "duplicate_radius_m": 100,
                "join_radius_m": 50,
                "join_window_hours": 24,
                "min_photos": 1,
                "active": True,
            }
        ],
    },
    "Catalogue": {
        "version": "gbt30428-2013.demo-1",
        "title": "数字化城市管理 部件和事件分类（GB/T 30428.2 旧编码，示范城市）",
        "groups": [
            {
                "kind": "event",
                "major": "01",
                "name_zh": "市容环境",
                "name_en": "City appearance",
                "categories": [
                    {
                        "code": "E0102",
                        "kind": "event",
                        "major": "01",
                        "name_zh": "暴露垃圾",
                        "name_en": "Exposed rubbish",
                        "default_department": "sanitation",
                        "limit_urgent_hours": 2.0,
                        "limit_normal_hours": 8.0,
                        "citizen_reportable": True,
                        "needs_verification": True,
                        "duplicate_radius_m": 250,
                        "join_radius_m": 50,
                        "join_window_hours": 24,
                        "min_photos": 0,
                        "active": True,
                    }
                ],
            }
        ],
    },
    "CategoryUpdate": {"limit_urgent_hours": 1.0, "limit_normal_hours": 6.0, "duplicate_radius_m": 200},
    "ServiceArea": {
        "name": "东城区（示范）",
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [116.379, 39.856],
                    [116.429, 39.852],
                    [116.447, 39.87],
                    [116.446, 39.905],
                    [116.444, 39.94],
                    [116.432, 39.964],
                    [116.409, 39.972],
                    [116.389, 39.966],
                    [116.383, 39.938],
                    [116.385, 39.91],
                    [116.38, 39.885],
                    [116.379, 39.856],
                ]
            ],
        },
        "bbox": [116.379, 39.852, 116.447, 39.972],
        "center": {"lat": 39.9121, "lon": 116.4137},
    },
}
