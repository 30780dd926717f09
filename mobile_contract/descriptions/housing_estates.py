"""Housing: estates, homes, the owners register and residents' bindings.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

OPERATIONS: dict[str, str] = {
    # housing: estates, homes, the owners register, residents' bindings
    "listEstates": (
        "Estates (小区) by name, each with its district, property company (物业公司) and the grade of its service "
        "contract: find the estate to bind a home in. Filter by district code (GB/T 2260) or by part of the "
        "name. Paging: pass `next_cursor` back as `cursor`; it is null on the last page. Needs no token."
    ),
    "createEstate": (
        "Registers an estate with its public page: name, address, location (a point, with its coordinate "
        "system) and optionally its boundary (WGS-84), district, property company, the grade of its service "
        "contract (1 = 一级, 2 = 二级, 3 = 三级), the service content, the contact and the fee standards it "
        "publishes (收费公示: one row per fee item with its price in fen and how it is charged). Homes and "
        "owners come with the register (importRegister). Admins only; audited."
    ),
    "getEstate": (
        "An estate's public page, as the property company must publish it: service content, service grade, "
        "fee standards (收费公示), company and contact, location (in the `crs` asked for) and boundary (WGS-84), "
        "and its buildings with the number of homes in each. Needs no token: anyone may read it."
    ),
    "updateEstate": (
        "Changes an estate's public page; fields left out stay as they are, `fee_standards` replaces the "
        "whole publication, a null `boundary` or `contact_phone` removes it. The estate's property staff "
        "(property_staff or property_manager scoped to it) and admins; housing officers only read. Audited "
        "with every changed field before and after."
    ),
    "listEstateHomes": (
        "An estate's homes (房屋) by building, entrance (单元), floor and room, with their three areas and the "
        "one that counts; no owners. A resident picks their home here before asking to be bound to it. "
        "Filter by building. Paging with `cursor`. Any signed-in user."
    ),
    "importRegister": (
        "Imports the estate's owners register (业主名册) from a CSV file (UTF-8, or GB18030/GBK as Excel saves "
        "it) or an XLSX workbook sent as the body: one row per home with building, entrance, floor, room, "
        "the register (产权面积), surveyed (实测面积) and contract (合同面积) areas in m², the owners (co-owners "
        "separated by 、 or ;; 开发商 for an unsold home) and their phones. All or nothing: a file with any bad "
        "row (a home twice, a bad area, a missing field, a bad phone, an unreadable encoding) is refused "
        "with register_import_refused naming every row, and nothing changes. Homes are matched by building, "
        "entrance and room; homes not in the file are kept; changed owners own from `effective_date`, and "
        "owner bindings of people no longer in the register end. `dry_run` checks and counts without "
        "writing. Every run is logged. The estate's property staff and admins; audited."
    ),
    "listEstateBindings": (
        "The estate's residents' bindings in one state, oldest request first: `pending` (the default) is the "
        "queue of requests to approve or refuse. For the estate's property staff, admins and the housing "
        "officers of its district (who read, and decide nothing). Paging with `cursor`."
    ),
    "getHome": (
        "A home with its areas, the area that counts (register, else surveyed, else contract) and its owners "
        "in the register. For the residents bound to it (owner, family, tenant), the estate's property "
        "staff, the district's housing officers and admins; anyone else is refused with home_forbidden. "
        "Owners' phones come whole only to the estate's staff and admins, masked (139****0101) to everyone "
        "else."
    ),
    "listHomeBindings": (
        "Who is bound to a home or asks to be (active bindings and pending requests), oldest first: for the "
        "home's owners (to approve their family and tenants), the estate's staff, officers and admins. "
        "Paging with `cursor`."
    ),
    "requestBinding": (
        "Binds the caller's account to a home as owner (业主), family (家属) or tenant (租户). An owner whose "
        "phone number is among the home's owners in the register is bound at once (state active, via "
        "register); any other request waits (pending) until the estate's property staff, or for family and "
        "tenants an owner bound to the home, approves or refuses it. One open binding per person and home "
        "(already_bound). An Idempotency-Key header is required: a retry with the same key and body returns "
        "the first answer. Any signed-in user; audited."
    ),
    "approveBinding": (
        "Approves a pending request to be bound to a home (state active, via approval), with an optional "
        "note. The estate's property staff and admins decide every request; an owner bound to the home "
        "decides those of family and tenants (an owner's own claim needs the staff). Anyone else: "
        "binding_forbidden; a request that is no longer pending: binding_state_conflict with its state. "
        "Audited."
    ),
    "refuseBinding": (
        "Refuses a pending request to be bound to a home, with the reason the resident will read (required). "
        "The same people decide as for approveBinding. A refused person may ask again. Audited."
    ),
    "endBinding": (
        "Ends an active binding (a tenant moved out, a family member left) or withdraws a pending request, "
        "with an optional reason: the bound resident themself, the estate's property staff and admins, or an "
        "owner bound to the home for family and tenants. An ended binding stays in the history. Audited."
    ),
    "listMyHomes": (
        "The caller's homes: their active bindings and pending requests, newest first, each with its home "
        "(estate, building, entrance, floor, room) and relation. Paging with `cursor`. Any signed-in user."
    ),
}


PARAMETERS: dict[str, str] = {
    # housing
    "district_code": "Only estates of this district, by its 6-digit code (GB/T 2260), for example 110101.",
    "listEstates.name": "Only estates whose name contains this text (1 to 100 characters), for example 和平里.",
    "estate_id": "The estate's id, from listEstates or the caller's homes.",
    "building_id": "Only homes of this building, by its id from getEstate's `buildings`.",
    "home_id": "The home's id, from listEstateHomes or listMyHomes.",
    "binding_id": (
        "The binding's id, from requestBinding, listEstateBindings, listHomeBindings or listMyHomes."
    ),
    "effective_date": (
        "The date (YYYY-MM-DD) from which owners that the file changes own their homes, and the old owners' "
        "ownership ends; today in the city's time zone by default. It may not be before the date the stored "
        "owners were registered."
    ),
    "importRegister.dry_run": (
        "true: check the file and count what would change, but write nothing (the run is still logged)."
    ),
    "importRegister.file_name": "The file's name, kept in the import log (1 to 200 characters).",
    "listEstateBindings.state": (
        "Only bindings in this state: pending (requests waiting for a decision; the default), active, "
        "refused or ended."
    ),
}


PARAMETER_EXAMPLES: dict[str, Any] = {
    # housing
    "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
    "home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12",
    "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02",
    "binding_id": "01934f9e-6c2a-7b1d-9e3f-2a4b6c8d0e15",
    "district_code": "110101",
    "listEstates.name": "和平里",
    "listEstateBindings.state": "pending",
    "effective_date": "2026-11-01",
    "listEstates.cursor": (
        "WyLlkozlubPph4zkuJzooZflsI_ljLrvvIjnpLrojIPvvIkiLCAiMDE5M2ExZTAtNWUwZC03ZTU3LThhN2UtMDAwMDAwMTEwMTAxIl0"
    ),
    "listEstateHomes.cursor": (
        "WyIz5Y-35qW8IiwgIjLljZXlhYMiLCAxMiwgIjEyMDIiLCAiMDE5MzdiMmEtNWQyZS03ZjMwLThiNGMtNmQ3ZThmOWEwYjEyIl0"
    ),
    "listEstateBindings.cursor": (
        "WyIyMDI2LTExLTIwVDAyOjE0OjA3LjMxNTAwMCswMDowMCIsICIwMTkzNGY5ZS02YzJhLTdiMWQtOWUzZi0yYTRiNmM4ZDBlMTUiXQ"
    ),
    "listHomeBindings.cursor": (
        "WyIyMDI2LTExLTIwVDAyOjE0OjA3LjMxNTAwMCswMDowMCIsICIwMTkzNGY5ZS02YzJhLTdiMWQtOWUzZi0yYTRiNmM4ZDBlMTUiXQ"
    ),
    "listMyHomes.cursor": "WyIwMTkzNGY5ZS02YzJhLTdiMWQtOWUzZi0yYTRiNmM4ZDBlMTUiXQ",
}


SCHEMAS: dict[str, str] = {
    # housing
    "EstateCreate": "A new estate and its public page.",
    "EstateUpdate": "Changes to an estate's public page: fields left out stay as they are.",
    "Estate": (
        "An estate's public page (小区公示): what the property company publishes, with its buildings and the "
        "number of homes."
    ),
    "EstateSummary": "An estate in a list.",
    "EstatePage": "A page of estates, by name; `next_cursor` is null on the last page.",
    "FeeStandard": "One published fee item (收费公示): its name, price in fen and how it is charged.",
    "PolygonGeometry": (
        "A GeoJSON Polygon in WGS-84: rings of [longitude, latitude], the first the outer one."
    ),
    "MultiPolygonGeometry": "A GeoJSON MultiPolygon in WGS-84: an estate in several separate parts.",
    "BuildingSummary": "A building of the estate and how many homes it has.",
    "Home": (
        "A home (房屋, an exclusive part): where it is and its areas in hundredths of m² (8950 is 89.50 m²)."
    ),
    "HomeDetail": "A home with its estate's name and its owners in the register.",
    "HomePage": "A page of an estate's homes; `next_cursor` is null on the last page.",
    "Owner": "An owner of a home in the register: a person (one of several co-owners) or the developer.",
    "RegisterImportReport": "What an import of the owners register did, or would do in a dry run.",
    "RegisterProblem": (
        "One reason a register file (importRegister) or a meter readings file (importReadings) was refused: a row "
        "of the file, or the file itself."
    ),
    "BindingRequest": "A request to bind the caller's account to a home.",
    "BindingDecision": "An approval, with an optional note.",
    "BindingRefusal": "A refusal, with the reason the resident reads.",
    "BindingEnd": "The end of a binding (or the withdrawal of a request), with an optional reason.",
    "Binding": (
        "A resident's binding to a home: who, which home, as what (owner, family, tenant), and where the "
        "request stands."
    ),
    "BindingPage": "A page of bindings; `next_cursor` is null on the last page.",
    "HomeLabel": "Where a home is: its estate, building, entrance, floor and room.",
    "BindingUser": "The resident of a binding, with their phone number masked.",
    "Location": (
        "A point as the phone gives it: latitude and longitude in degrees and the coordinate system they are in. "
        "The server stores WGS-84 and keeps the original pair and its system."
    ),
    "Point": (
        "A point in degrees: in the coordinate system the request asked for (crs, wgs84 by default), or WGS-84 "
        "where the context says so (a photo's EXIF position)."
    ),
    "ReportCreate": (
        "A new report (随手拍): what (category), where (location, address), a description and the photos "
        "uploaded before. Unknown members are refused."
    ),
    "ReportCreated": "The report just filed (or filed before with the same client_id), with its number and case.",
    "ReportView": (
        "A report as its reader may see it: the full view (`view: full`) for its reporter and staff, the public "
        "view (`view: public`) for everyone else; members that only the full view carries are left out of the "
        "public one."
    ),
    "ReportSummary": "One of the caller's own reports in their list, with its case's status and public timeline.",
    "ReportPage": "A page of the caller's reports, newest first.",
    "NearbyCase": (
        "An open case of the same category near the point being reported: offer to follow it instead of filing "
        "a duplicate."
    ),
    "TimelineEntry": (
        "One step of a case's timeline (时间线) in time order: what happened (kind), the state it led to, and "
        "the note people may read."
    ),
    "HideReport": "Hide a report from the public, with the reason.",
    "Recategorise": "Move a report and its case to another category.",
    "Rating": "The reporter's verdict on a closed case: fixed or not, a score and a comment.",
    "RatingResult": "The rating was recorded; says whether it reopened the case.",
}


PROPERTIES: dict[str, str] = {
    # housing: estates, homes, the register, bindings
    "EstateCreate.name": "The estate's name (小区名称), 1 to 100 characters.",
    "EstateCreate.address": "The estate's address, 1 to 200 characters.",
    "EstateCreate.district_code": (
        "The district (区) by its 6-digit code (GB/T 2260), for example 110101 for Dongcheng."
    ),
    "EstateCreate.location": (
        "A point of the estate (its gate or its centre) and the coordinate system it is given in."
    ),
    "EstateCreate.boundary": "The estate's boundary as a GeoJSON Polygon or MultiPolygon in WGS-84, or null.",
    "EstateCreate.property_company": "The property company (物业服务企业) serving the estate.",
    "EstateCreate.service_grade": "The grade of the service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.",
    "EstateCreate.service_content": (
        "What the company does for the estate (服务内容), as it publishes it; up to 4,000 characters."
    ),
    "EstateCreate.contact_name": "Who to contact, for example 物业服务中心; up to 64 characters.",
    "EstateCreate.contact_phone": (
        "The contact's phone number (a mainland number may be sent without +86; stored as E.164), or null."
    ),
    "EstateCreate.office_hours": "When the property office is open, for example 每日 8:00-18:00.",
    "EstateCreate.fee_standards": "The published fee standards (收费公示), in the order shown; at most 50.",
    "EstateUpdate.name": "The estate's name (小区名称), 1 to 100 characters.",
    "EstateUpdate.address": "The estate's address, 1 to 200 characters.",
    "EstateUpdate.location": (
        "A point of the estate (its gate or its centre) and the coordinate system it is given in."
    ),
    "EstateUpdate.boundary": "The new boundary (GeoJSON Polygon or MultiPolygon in WGS-84); null removes it.",
    "EstateUpdate.property_company": "The property company (物业服务企业) serving the estate.",
    "EstateUpdate.service_grade": "The grade of the service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.",
    "EstateUpdate.service_content": (
        "What the company does for the estate (服务内容), as it publishes it; up to 4,000 characters."
    ),
    "EstateUpdate.contact_name": "Who to contact, for example 物业服务中心; up to 64 characters.",
    "EstateUpdate.contact_phone": "The new contact phone; null removes it.",
    "EstateUpdate.office_hours": "When the property office is open, for example 每日 8:00-18:00.",
    "EstateUpdate.fee_standards": "The whole new publication of fee standards; it replaces the old one.",
    "Estate.id": "The estate's id.",
    "Estate.name": "The estate's name (小区名称), 1 to 100 characters.",
    "Estate.address": "The estate's address, 1 to 200 characters.",
    "Estate.district_code": (
        "The district (区) by its 6-digit code (GB/T 2260), for example 110101 for Dongcheng."
    ),
    "Estate.location": "A point of the estate (its gate or centre), in the coordinate system of `crs`.",
    "Estate.boundary": "The estate's boundary as a GeoJSON Polygon or MultiPolygon in WGS-84, or null.",
    "Estate.property_company": "The property company (物业服务企业) serving the estate.",
    "Estate.service_grade": "The grade of the service contract: 1 = 一级 (the highest), 2 = 二级, 3 = 三级.",
    "Estate.service_content": (
        "What the company does for the estate (服务内容), as it publishes it; up to 4,000 characters."
    ),
    "Estate.contact_name": "Who to contact, for example 物业服务中心; up to 64 characters.",
    "Estate.contact_phone": "The contact's phone number in E.164, or null.",
    "Estate.office_hours": "When the property office is open, for example 每日 8:00-18:00.",
    "Estate.fee_standards": "The published fee standards (收费公示), in the order shown; at most 50.",
    "Estate.crs": "The coordinate system of `location`: the one asked for (wgs84 by default).",
    "Estate.service_grade_name": "The grade as people read it: 一级, 二级 or 三级.",
    "Estate.buildings": "The estate's buildings by name, each with its number of homes.",
    "Estate.homes": "The number of homes in the estate.",
    "Estate.updated_at": "When the page last changed.",
    "EstateSummary.id": "The estate's id.",
    "EstateSummary.name": "The estate's name.",
    "EstateSummary.address": "The estate's address.",
    "EstateSummary.district_code": "The district by its 6-digit code (GB/T 2260).",
    "EstateSummary.property_company": "The property company serving the estate.",
    "EstateSummary.service_grade": "The grade of the service contract: 1 = 一级, 2 = 二级, 3 = 三级.",
    "EstatePage.items": "The estates of this page, by name.",
    "EstatePage.next_cursor": "Send it back as `cursor` for the next page; null on the last page.",
    "FeeStandard.item": "The fee item's name, for example 物业费, 地上停车费, 采暖费; 1 to 50 characters.",
    "FeeStandard.price_fen": "The price in fen (1/100 yuan): 250 is 2.50 yuan, per the unit `basis` names.",
    "FeeStandard.basis": (
        "How it is charged: per_m2_month (per m² per month, 物业费), per_m2_season (per m² per heating season, "
        "采暖费), per_space_month (per parking space per month), per_home_month, per_m3 (water), per_kwh, or "
        "flat."
    ),
    "FeeStandard.note": "A note shown with the fee, for example 按产权面积; up to 200 characters.",
    "PolygonGeometry.type": "Always Polygon.",
    "PolygonGeometry.coordinates": (
        "Rings of [longitude, latitude] positions, each closed (last = first), 4 or more."
    ),
    "MultiPolygonGeometry.type": "Always MultiPolygon.",
    "MultiPolygonGeometry.coordinates": (
        "Polygons, each a list of closed rings of [longitude, latitude] positions."
    ),
    "BuildingSummary.id": "The building's id (filter listEstateHomes by it).",
    "BuildingSummary.name": "The building's name, for example 3号楼.",
    "BuildingSummary.homes": "How many homes it has in the register.",
    "Home.id": "The home's id.",
    "Home.estate_id": "The estate's id.",
    "Home.building_id": "The building's id.",
    "Home.building": "The building's name as in the register, for example 3号楼.",
    "Home.entrance": "The entrance (单元), or empty when the building has one.",
    "Home.floor": "The floor: 1 and up, negative below ground (-1 is B1).",
    "Home.room": "The room number, for example 1203.",
    "Home.register_area": (
        "The area in the property register (产权面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "Home.surveyed_area": (
        "The surveyed area (实测面积), in hundredths of m² (8950 is 89.50 m²), or null when the register has "
        "none."
    ),
    "Home.contract_area": (
        "The area in the sale contract (合同面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "Home.area": (
        "The area that counts, in hundredths of m²: the register area if present, else the surveyed area, "
        "else the contract area (the rule for votes and for fees charged by area)."
    ),
    "Home.area_source": "Which area counts: register, surveyed or contract.",
    "HomeDetail.id": "The home's id.",
    "HomeDetail.estate_id": "The estate's id.",
    "HomeDetail.building_id": "The building's id.",
    "HomeDetail.building": "The building's name as in the register, for example 3号楼.",
    "HomeDetail.entrance": "The entrance (单元), or empty when the building has one.",
    "HomeDetail.floor": "The floor: 1 and up, negative below ground (-1 is B1).",
    "HomeDetail.room": "The room number, for example 1203.",
    "HomeDetail.register_area": (
        "The area in the property register (产权面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "HomeDetail.surveyed_area": (
        "The surveyed area (实测面积), in hundredths of m² (8950 is 89.50 m²), or null when the register has "
        "none."
    ),
    "HomeDetail.contract_area": (
        "The area in the sale contract (合同面积), in hundredths of m² (8950 is 89.50 m²), or null when the "
        "register has none."
    ),
    "HomeDetail.area": (
        "The area that counts, in hundredths of m²: the register area if present, else the surveyed area, "
        "else the contract area (the rule for votes and for fees charged by area)."
    ),
    "HomeDetail.area_source": "Which area counts: register, surveyed or contract.",
    "HomeDetail.estate_name": "The estate's name.",
    "HomeDetail.owners": "Today's owners in the register: co-owners, or the developer of an unsold home.",
    "HomePage.items": "The homes of this page, by building, entrance, floor and room.",
    "HomePage.next_cursor": "Send it back as `cursor` for the next page; null on the last page.",
    "Owner.kind": "person, or developer for a home not sold yet.",
    "Owner.name": "The owner's name as in the register.",
    "Owner.phone_masked": (
        "The owner's phone number masked (139****0101), or null when the register has none."
    ),
    "Owner.phone": "The phone number whole (E.164), for the estate's staff and admins only; null for others.",
    "Owner.owned_from": "The date from which the register names this owner.",
    "RegisterImportReport.id": "The import's id in the import log.",
    "RegisterImportReport.estate_id": "The estate imported into.",
    "RegisterImportReport.file_name": "The file's name.",
    "RegisterImportReport.sha256": "The SHA-256 of the file, hex.",
    "RegisterImportReport.format": "csv or xlsx, as read from the file itself.",
    "RegisterImportReport.encoding": (
        "How a CSV file was read: utf-8, gb18030 (GBK) or utf-16; null for XLSX."
    ),
    "RegisterImportReport.outcome": "imported, dry_run (nothing written) or refused (nothing written).",
    "RegisterImportReport.dry_run": "Whether the run only checked and counted.",
    "RegisterImportReport.effective_date": "The date changed owners own from.",
    "RegisterImportReport.rows": "Rows of homes in the file (empty lines not counted).",
    "RegisterImportReport.buildings_created": "Buildings the file named that were new.",
    "RegisterImportReport.homes_created": "Homes that were new.",
    "RegisterImportReport.homes_updated": "Homes whose floor or areas changed.",
    "RegisterImportReport.homes_unchanged": "Homes whose floor and areas stayed as they were.",
    "RegisterImportReport.homes_not_in_file": "Stored homes the file does not name; they are kept.",
    "RegisterImportReport.owners_changed": "Homes whose owners changed (new homes included).",
    "RegisterImportReport.bindings_ended": "Owner bindings ended because the person is no longer an owner.",
    "RegisterImportReport.problems": "Why the file was refused (at most 1,000 kept); empty otherwise.",
    "RegisterImportReport.problems_total": "How many problems were found in all.",
    "RegisterImportReport.created_at": "When the import ran.",
    "RegisterProblem.problem": (
        "What is wrong: duplicate_home, bad_area, missing_area, missing_field, bad_floor, bad_phone, "
        "owners_phones_mismatch, duplicate_owner, bad_owner_type, bad_text, text_too_long, "
        "effective_date_too_early; for the file: bad_encoding, unreadable, missing_column, duplicate_column, "
        "no_rows, too_many_rows, file_too_large. Meter readings: unknown_home, missing_home, bad_date, "
        "future_date, bad_reading, duplicate_reading, meter_backwards; for the file: unreadable_encoding, "
        "unreadable_csv, unreadable_xlsx, missing_column, no_rows, too_many_rows, file_too_large."
    ),
    "RegisterProblem.detail": "The problem in English, with the offending value.",
    "RegisterProblem.row": (
        "The row's line in the file (the header is line 1), as a spreadsheet numbers it; absent for the file."
    ),
    "RegisterProblem.field": (
        "The column at fault: building, entrance, floor, room, an area, owners, phones, owner_type (meter "
        "readings: room, read_on, reading)."
    ),
    "RegisterProblem.other_row": (
        "duplicate_home, duplicate_reading: the line where the same home (and day) came first; meter_backwards: "
        "the line of the earlier day's reading, when both are in the file."
    ),
    "BindingRequest.relation": "As what: owner (业主), family (家属) or tenant (租户).",
    "BindingRequest.note": "A word for whoever decides, for example 张三之子; up to 200 characters.",
    "BindingDecision.note": "A note kept with the approval; up to 200 characters.",
    "BindingRefusal.reason": "Why the request is refused, shown to the resident; 1 to 200 characters.",
    "BindingEnd.reason": "Why the binding ends, for example 租约到期; up to 200 characters.",
    "Binding.id": "The binding's id.",
    "Binding.home": "The home.",
    "Binding.user": "The resident.",
    "Binding.relation": "owner, family or tenant.",
    "Binding.state": "pending (waiting for a decision), active, refused or ended.",
    "Binding.via": (
        "How it became active: register (an owner found in the register) or approval; null before."
    ),
    "Binding.note": "The resident's note with the request.",
    "Binding.requested_at": "When the resident asked.",
    "Binding.decided_at": "When it was approved or refused (or bound at once); null while pending.",
    "Binding.decision_note": "The note of the approval, or the reason of the refusal.",
    "Binding.ended_at": "When it ended or was withdrawn; null while open.",
    "Binding.end_reason": "Why it ended.",
    "BindingPage.items": "The bindings of this page.",
    "BindingPage.next_cursor": "Send it back as `cursor` for the next page; null on the last page.",
    "HomeLabel.home_id": "The home's id.",
    "HomeLabel.estate_id": "The estate's id.",
    "HomeLabel.estate_name": "The estate's name.",
    "HomeLabel.building": "The building's name.",
    "HomeLabel.entrance": "The entrance (单元), or empty.",
    "HomeLabel.floor": "The floor.",
    "HomeLabel.room": "The room number.",
    "BindingUser.id": "The resident's user id.",
    "BindingUser.display_name": "The resident's display name.",
    "BindingUser.phone_masked": "The resident's phone number masked (139****0101), or null.",
}
