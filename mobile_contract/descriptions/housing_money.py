"""Housing money: fee items, billing runs, bills, arrears and reminders, the maintenance fund.

Part of mobile_contract.descriptions, whose __init__ merges the parts."""

from typing import Any

# housing money: fee items, billing runs, bills, arrears and reminders, the maintenance fund ---------------

OPERATIONS: dict[str, str] = {
    "listFeeItems": (
        "The fee items billing applies in an estate (收费项目): property fee (物业费, fen per m² of the area that "
        "counts per month), parking (fen per assigned space per month), heating (采暖费, fen per m² per heating "
        "season, with the season's dates), water (by meter readings, three tiers of the yearly use as data), "
        "flat items, and a late fee (滞纳金) only where the estate's contract sets one. Retired items stay "
        "listed (active false). The estate's property staff and manager, the district's housing officers, admins."
    ),
    "createFeeItem": (
        "Adds a fee item to an estate. The fields its kind needs are checked (water: tiers, the last without "
        "up_to; heating: the season; parking: applies_to assigned; a late fee: at most 1 % a day and grace days) "
        "and a name is unique in the estate, as is an active late fee. A new price applies to the billing runs "
        "made after it; issued bills never change. The estate's property manager and admins; audited. Send an "
        "Idempotency-Key to make a retry safe."
    ),
    "updateFeeItem": (
        "Changes a fee item's name, price, tiers, season, due or grace days, or retires it (active false: no "
        "run bills it any more); fields left out stay as they are. If-Match carries the item's version; a stale "
        "one is refused (bill_version_conflict) with the current version. Issued bills never change. The "
        "estate's property manager and admins; audited with the item before and after."
    ),
    "setFeeItemHomes": (
        "Replaces the list of homes an assigned fee item applies to (parking spaces: the homes renting them and "
        "how many). Every home must be a home of the item's estate and appear once. The estate's property "
        "manager and admins; audited. Safe to repeat (PUT)."
    ),
    "createBillingRun": (
        "Bills an estate for a month (2026-11) or a quarter (2026-Q4): answers the run at once (202) and the "
        "worker makes the bills in batches of homes, each batch all or nothing, every line rounded once (四舍五入) "
        "in fen. Idempotent: asking again for the same period answers the same run and never makes a second "
        "bill (bills are unique per home, fee item and period); a run stopped half way goes on where it stopped. "
        "A period overlapping another run's (a month in a quarter billed already) is refused. A home whose "
        "owner changed in the period gets one line per owner, prorated by days. Credit a home paid ahead is "
        "applied to its new bills, oldest first. The estate's property staff and manager, admins; audited."
    ),
    "listBillingRuns": (
        "An estate's billing runs, newest period first, each with its state (pending, running, completed) and "
        "progress. Paging: pass `next_cursor` back as `cursor`; null on the last page. The estate's staff, the "
        "district's housing officers, admins."
    ),
    "getBillingRun": (
        "One billing run and its progress: homes done of the estate's homes, bills made, their amount, the "
        "credit applied, attempts and the last error of a run that stopped. The estate's staff, the district's "
        "housing officers, admins."
    ),
    "listMyBills": (
        "The bills of the homes the caller is bound to now (as owner, family or tenant), newest first, each with "
        "its lines, what was paid, waived and refunded, and what is still owed. Filter by state (issued, "
        "partly_paid, paid, waived, cancelled) or by one home. Paging: pass `next_cursor` back as `cursor`; null "
        "on the last page. Any signed-in user; a user with no home gets an empty list."
    ),
    "getBill": (
        "A bill with its priced lines and its history: issued, each payment or credit applied (with the "
        "payment's reference), waived, cancelled, refunded. The ETag is the bill's version, for decideBill's "
        "If-Match. The residents bound to the bill's home, the estate's staff, the district's housing officers, "
        "admins."
    ),
    "decideBill": (
        "Waives (免除) what is still owed on an issued or partly paid bill, or cancels (作废) a bill nothing was "
        "paid on, with a reason. A waiver posts the unpaid rest against the fee item's revenue; a cancellation "
        "posts the reversal of the bill's entry: nothing in the ledger is edited or deleted. If-Match carries the "
        "bill's version; a stale one is refused with the current version and state. The estate's property "
        "manager and admins; audited. An Idempotency-Key makes a resend safe."
    ),
    "getEstateArrears": (
        "An estate's arrears (欠费) on today's date in the city: per building, the homes and bills past their due "
        "date and still open, what they still owe and the oldest due date, with the estate's totals. The "
        "estate's staff, the district's housing officers, admins. There is no way to cut water, power, heat or "
        "gas for unpaid fees (Civil Code Art. 944)."
    ),
    "listHomeArrears": (
        "The homes of an estate (or of one building) with bills past due: where each is, how many bills, what "
        "they owe, the oldest due date and when its residents were last reminded. By home id; paging: pass "
        "`next_cursor` back as `cursor`. The estate's staff, the district's housing officers, admins."
    ),
    "sendReminders": (
        "Reminds the residents (owners, family, tenants bound to the home) of homes in arrears: the homes "
        "named, or every home in arrears of the estate or of one building owing at least min_outstanding_fen. "
        "Each home's residents get an inbox message and a push through the outbox (pushes wait for the end of "
        "each resident's quiet hours). A home reminded in the last 24 hours is skipped, as is a home without "
        "residents; the answer counts each. The estate's property staff and manager, admins; audited."
    ),
    "getHomeFund": (
        "A home's account in the maintenance fund (住宅专项维修资金分户账): its first deposit (the area that counts × "
        "the estate's rate, rounded once), balance, the top-up threshold (30 % of the first deposit) and whether "
        "the balance is below it, and every movement oldest first with the balance after it: deposits, interest "
        "shared by area, corrections by reversal. Paging: pass `next_cursor` back as `cursor`. The home's "
        "owners, the estate's staff, the district's housing officers, admins."
    ),
    "getEstateFund": (
        "An estate's maintenance fund at a glance: the rate, homes with a share, first deposits, the homes' "
        "balances, the money in the fund's bank account, interest shared, homes below the top-up threshold, and "
        "the same per building. The estate's staff, the district's housing officers, admins."
    ),
    "getBuildingFund": (
        "A building's homes by entrance, floor and room, with each home's area, first deposit and share of the "
        "maintenance fund, and whether it is below the top-up threshold. Paging: pass `next_cursor` back as "
        "`cursor`. The estate's staff, the district's housing officers, admins."
    ),
    "setFundRate": (
        "Sets the estate's first-deposit rate of the maintenance fund, in fen per m² (local rules: 5 % to 8 % of "
        "the construction cost per m²). Applies to the first deposits recorded after it. Admins (the fund's "
        "administrator) only; audited. Safe to repeat (PUT)."
    ),
    "recordFirstDeposits": (
        "Records the first deposit of every home of the estate that has none: the home's area that counts "
        "(register, else surveyed, else contract) × the estate's rate, rounded once half up, one ledger entry per "
        "home. Homes that have one are left alone, so it is safe to repeat after new homes are registered. "
        "Admins only; audited."
    ),
    "shareFundInterest": (
        "Shares interest the fund's bank paid on a settlement date among the homes that hold a share, by area, "
        "with the largest-remainder method: each home gets the floor of its exact share and the fen left go one "
        "each to the largest remainders (ties to the smaller home id), so the parts add up to the amount. Once "
        "per estate and date (fund_interest_exists). Admins only; audited. An Idempotency-Key makes a retry safe."
    ),
    "importReadings": (
        "Imports water meter readings (抄表) for one of the estate's water fee items from a file sent as the "
        "body, read as the owners register is (importRegister): CSV (UTF-8, GB18030/GBK as Excel saves it, or "
        "UTF-16 with a BOM) or an Excel workbook (.xlsx, its first sheet; a date cell is the day it holds, a "
        "number cell is read exactly and never rounded). A header row, then one reading a row with building "
        "(楼栋), entrance (单元, optional), room (房号), the day it was read (抄表日期, YYYY-MM-DD) and the "
        "meter's dial in m³ (读数, at most two decimals). All or nothing: a file with any "
        "bad row (a home not in the estate, a bad or future date, a bad reading, the same home and day twice, "
        "a meter that runs backwards against a reading of an earlier or later day) is refused with "
        "reading_import_refused naming every row, and nothing changes. A reading stored already for the same "
        "home and day is replaced when it differs. The next billing run bills each home's use since its "
        "previous reading by the item's tiers. `dry_run` checks and counts without writing. Every run is "
        "logged. The estate's property staff and manager, admins; audited."
    ),
}
PARAMETERS: dict[str, str] = {
    "bill_id": "The bill's id, from listMyBills or getBill.",
    "run_id": "The billing run's id, from createBillingRun or listBillingRuns.",
    "item_id": "The fee item's id, from listFeeItems or createFeeItem.",
    "listMyBills.state": "Only bills in this state: issued, partly_paid, paid, waived or cancelled.",
    "listMyBills.home_id": "Only the bills of this home (one of the caller's homes, from listMyHomes).",
    "listHomeArrears.building_id": "Only homes of this building, by its id.",
    "getBuildingFund.building_id": "The building's id, from getEstateFund's `buildings`.",
    "importReadings.fee_item_id": (
        "The water fee item (kind water) of the estate the readings are for, from listFeeItems."
    ),
    "importReadings.dry_run": (
        "true: check the file and count what would change, but write no reading (the run is still logged)."
    ),
    "importReadings.file_name": "The file's name, kept in the import log (1 to 200 characters).",
}
PARAMETER_EXAMPLES: dict[str, Any] = {
    "bill_id": "01937c10-1a2b-7c3d-8e4f-5a6b7c8d9e03",
    "run_id": "01937c0f-9a8b-7c6d-8e5f-4a3b2c1d0e04",
    "item_id": "01937b40-2b3c-7d4e-9f5a-6b7c8d9e0f05",
    "listMyBills.state": "issued",
    "listMyBills.cursor": "WyIwMTkzN2MxMC0xYTJiLTdjM2QtOGU0Zi01YTZiN2M4ZDllMDMiXQ",
    "listBillingRuns.cursor": "WyIyMDI2LTExLTAxIiwgIjAxOTM3YzBmLTlhOGItN2M2ZC04ZTVmLTRhM2IyYzFkMGUwNCJd",
    "listHomeArrears.cursor": "WyIwMTkzN2IyYS01ZDJlLTdmMzAtOGI0Yy02ZDdlOGY5YTBiMTIiXQ",
    "getHomeFund.cursor": "WyI0ODIxMyJd",
    "getBuildingFund.cursor": "WyIiLCAzLCAiMzAxIiwgIjAxOTM3YjJhLTVkMmUtN2YzMC04YjRjLTZkN2U4ZjlhMGIxMiJd",
    "importReadings.fee_item_id": "01937b40-3c4d-7e5f-8a6b-7c8d9e0f1a06",
    "importReadings.dry_run": True,
    "importReadings.file_name": "2026年11月抄表.csv",
}
SCHEMAS: dict[str, str] = {
    "Bill": (
        "A bill (账单) of one home for one fee item and period. Amounts in integer fen; each line was rounded "
        "once (四舍五入), and the amount is the sum of the lines."
    ),
    "BillLine": (
        "One priced line of a bill: a quantity in its unit × a price, rounded once to the fen. A home sold in "
        "the period has one line per owner with its days; water has one line per tier; a late fee one line per "
        "overdue bill."
    ),
    "BillPage": "A page of bills, newest first: `next_cursor` (opaque) is sent back as `cursor`; null at the end.",
    "BillDecision": "Waive (免除) what is still owed, or cancel (作废) a bill nothing was paid on; with a reason.",
    "BillingRunCreate": "The period to bill: a month (YYYY-MM) or a quarter (YYYY-Qn).",
    "BillingRunPage": "A page of billing runs, newest period first: `next_cursor` (opaque) or null at the end.",
    "EstateArrears": "An estate's arrears on a date: bills past due and still open, per building and in all.",
    "HomeArrearsPage": "Homes in arrears, by home id: `next_cursor` (opaque) is sent back as `cursor`; null at the end.",
    "ReminderRequest": (
        "Whom to remind of their arrears: the homes named (home_ids), or every home in arrears of the estate "
        "(or of building_id) owing at least min_outstanding_fen."
    ),
    "Tier": "One tier of a water price: yearly use up to `up_to` (hundredths of m³; none for the last) at a price.",
    "Season": "A heating season (采暖季) by month and day, inclusive; it may run into the next year.",
    "FeeItemUpdate": "Changes to a fee item; fields left out stay as they are.",
    "FeeItemHome": "A home an assigned item applies to, and how many (parking spaces).",
    "FundRateSet": "The estate's first-deposit rate of the maintenance fund, fen per m².",
    "FundOpened": "First deposits recorded now: how many homes and how much in all.",
    "InterestShare": "Interest the fund's bank paid on a settlement date, to share among the homes by area.",
    "FundLine": "One movement of a home's share of the fund, with the balance after it.",
    "FundStatement": (
        "A home's account in the maintenance fund (分户账): first deposit, balance, top-up threshold and every "
        "movement, oldest first."
    ),
    "EstateFund": "An estate's maintenance fund: totals and each building's part.",
    "BuildingFundPage": "A building's homes and their shares of the fund: `next_cursor` (opaque) or null at the end.",
    "ReadingImportReport": "What an import of water meter readings (抄表) did, or would do in a dry run.",
}
_BILL = {
    "id": "The bill's id (UUIDv7).",
    "estate_id": "The estate the bill's home is in.",
    "home_id": "The home billed.",
    "fee_item_id": "The fee item billed.",
    "fee_item_name": "The fee item's name, as the estate calls it (物业费, 车位管理费 ...).",
    "fee_kind": (
        "The item's kind: property, parking, heating, water, flat, late_fee, or repair (a paid repair inside the "
        "home, billed when its resident confirmed the fix: see transitionRepair)."
    ),
    "period": "The billing period: a month (2026-11) or a quarter (2026-Q4).",
    "period_start": "The period's first day.",
    "period_end": "The period's last day.",
    "due_date": "The day the bill is due; still open after it, the bill is in arrears.",
    "amount_fen": "What the bill charges, in fen: the sum of its lines. It never changes.",
    "paid_fen": "Fen paid on it so far, by payments and by credit paid ahead.",
    "waived_fen": "Fen forgiven by a waiver.",
    "refunded_fen": "Fen paid on it and given back (a refund leaves the bill in its state).",
    "outstanding_fen": "Fen still owed: amount − paid − waived while it is open; 0 once paid, waived or cancelled.",
    "state": (
        "issued (nothing paid), partly_paid, paid, waived (the rest forgiven, with a reason) or cancelled "
        "(voided before anything was paid, with a reason)."
    ),
    "reason": "Why it was waived or cancelled; null otherwise.",
    "lines": "The priced lines, each rounded once; their amounts add up to amount_fen.",
    "version": "The bill's version: send it as If-Match to decideBill. It grows with every change.",
    "issued_at": "When the billing run issued it.",
    "updated_at": "When it last changed.",
}
PROPERTIES: dict[str, str] = {f"Bill.{k}": v for k, v in _BILL.items()}
PROPERTIES.update({f"BillDetail.{k}": v for k, v in _BILL.items()})
PROPERTIES.update(
    {
        "BillDetail.events": "What happened to the bill, oldest first.",
        "BillEvent.id": "The event's id; events of a bill are in this order.",
        "BillEvent.action": (
            "issue, pay_part or pay_full (a payment), credit_part or credit_full (credit paid ahead), waive, "
            "cancel or refund."
        ),
        "BillEvent.from_state": "The bill's state before (null for issue).",
        "BillEvent.to_state": "The bill's state after.",
        "BillEvent.amount_fen": "The fen it concerned: issued, paid, waived, cancelled or refunded.",
        "BillEvent.reason": "The reason given for a waiver, cancellation or refund.",
        "BillEvent.entry_id": "The ledger entry it posted (every change of money is an entry).",
        "BillEvent.at": "When it happened.",
        "BillLine.item": "The kind of fee of the line.",
        "BillLine.quantity": (
            "How many units: hundredths of m² (m2_hundredths: 8950 is 89.50 m²), spaces, homes, hundredths of m³ "
            "of water, or the fen outstanding a late fee is charged on."
        ),
        "BillLine.unit": "The quantity's unit: m2_hundredths, space, home, m3_hundredths, fen or piece (a repair's).",
        "BillLine.price_fen": (
            "The price in fen: per m² per month (property), per space or home per month, per m² per season "
            "(heating), per m³ (water), or per 10,000 fen per day (late fee, 万分之)."
        ),
        "BillLine.amount_fen": "The line's amount in fen, rounded once, half up.",
        "BillLine.months": "The months of the period the price was multiplied by (1, or 3 for a quarter).",
        "BillLine.tier": "The water tier of the line (1, 2, 3).",
        "BillLine.days": "The days of the line's span (an owner's part of the period; a late fee's days late).",
        "BillLine.of_days": "The days of the whole period the line's days are a part of.",
        "BillLine.start": "The first day of the line's span.",
        "BillLine.end": "The last day of the line's span.",
        "BillLine.owner_ids": "The owners register's rows of the owners of the line's span.",
        "BillLine.bill_id": "A late fee's overdue bill.",
        "BillLine.label": "A repair's line: what it charges for (人工费, 水龙头), as the property staff wrote it.",
        "BillPage.items": "The bills of the page.",
        "BillPage.next_cursor": "The cursor of the next page; null on the last.",
        "BillDecision.action": "waive (forgive what is still owed) or cancel (void a bill nothing was paid on).",
        "BillDecision.reason": "Why (1 to 200 characters); kept on the bill and in the audit log.",
        "BillingRun.id": "The run's id.",
        "BillingRun.estate_id": "The estate billed.",
        "BillingRun.period": "The period billed: YYYY-MM or YYYY-Qn.",
        "BillingRun.period_start": "The period's first day.",
        "BillingRun.period_end": "The period's last day.",
        "BillingRun.state": "pending (the worker has not started), running, or completed.",
        "BillingRun.homes_total": "The estate's homes when the run (last) started.",
        "BillingRun.homes_done": "Homes billed so far.",
        "BillingRun.bills_created": "Bills the run made.",
        "BillingRun.amount_fen": "The fen those bills charge in all.",
        "BillingRun.credit_applied_fen": "Credit paid ahead that the run applied to its bills.",
        "BillingRun.attempts": "How many times the worker started it (a stopped run goes on where it stopped).",
        "BillingRun.last_error": "Why the last attempt stopped, if it did; null otherwise.",
        "BillingRun.created_at": "When it was asked for.",
        "BillingRun.started_at": "When the worker first started it.",
        "BillingRun.finished_at": "When it completed; null before.",
        "BillingRunCreate.period": "A month (2026-11) or a quarter (2026-Q4), years 2000 to 2199.",
        "BillingRunPage.items": "The runs of the page.",
        "BillingRunPage.next_cursor": "The cursor of the next page; null on the last.",
        "BuildingArrears.building_id": "The building's id.",
        "BuildingArrears.building": "The building's name (3号楼).",
        "BuildingArrears.homes": "Homes with bills past due.",
        "BuildingArrears.bills": "Bills past due and still open.",
        "BuildingArrears.outstanding_fen": "What those bills still owe, in fen.",
        "BuildingArrears.oldest_due": "The earliest due date among them.",
        "EstateArrears.estate_id": "The estate.",
        "EstateArrears.as_of": "The city's date the arrears are counted on: bills due before it.",
        "EstateArrears.homes": "Homes in arrears in all.",
        "EstateArrears.bills": "Bills past due in all.",
        "EstateArrears.outstanding_fen": "What they owe in all, in fen.",
        "EstateArrears.buildings": "Each building with arrears, by name.",
        "HomeArrears.home_id": "The home.",
        "HomeArrears.building_id": "Its building.",
        "HomeArrears.building": "Its building's name.",
        "HomeArrears.entrance": "Its entrance (单元); empty when the building has one.",
        "HomeArrears.floor": "Its floor (negative below ground).",
        "HomeArrears.room": "Its room number.",
        "HomeArrears.bills": "Its bills past due.",
        "HomeArrears.outstanding_fen": "What they still owe, in fen.",
        "HomeArrears.oldest_due": "The earliest due date among them.",
        "HomeArrears.last_reminded_at": "When its residents were last reminded; null if never.",
        "HomeArrearsPage.items": "The homes of the page.",
        "HomeArrearsPage.next_cursor": "The cursor of the next page; null on the last.",
        "ReminderRequest.home_ids": "Remind these homes of the estate (1 to 5,000), when they are in arrears.",
        "ReminderRequest.building_id": "Only homes of this building.",
        "ReminderRequest.min_outstanding_fen": "Only homes owing at least this many fen (1 by default).",
        "RemindersSent.homes": "Homes whose residents were reminded now.",
        "RemindersSent.recipients": "Residents told (each gets an inbox message and a push).",
        "RemindersSent.skipped_recently_reminded": "Homes skipped: reminded in the last 24 hours.",
        "RemindersSent.skipped_without_residents": "Homes skipped: nobody is bound to them.",
        "FeeItem.id": "The item's id.",
        "FeeItem.estate_id": "The estate it belongs to.",
        "FeeItem.kind": "property, parking, heating, water, flat or late_fee.",
        "FeeItem.name": "Its name in the estate (unique there).",
        "FeeItem.price_fen": (
            "The price in fen: per m² per month (property), per space per month (parking), per m² per season "
            "(heating), per home per month (flat), per 10,000 fen of arrears per day (late_fee); 0 for water."
        ),
        "FeeItem.tiers": "Water only: the tiers of the yearly use per household and their prices.",
        "FeeItem.season": "Heating only: the season, by month and day.",
        "FeeItem.applies_to": "all homes of the estate, or only the assigned ones (parking; some flat items).",
        "FeeItem.due_days": "Days after the period's first day that its bills are due.",
        "FeeItem.grace_days": "Late fee only: days after a bill's due date before it counts as late.",
        "FeeItem.active": "false once retired: runs no longer bill it.",
        "FeeItem.version": "The item's version: send it as If-Match to updateFeeItem.",
        "FeeItemCreate.kind": "property, parking, heating, water, flat or late_fee.",
        "FeeItemCreate.name": "Its name, unique in the estate (1 to 50 characters).",
        "FeeItemCreate.price_fen": "The price in fen, per the kind's basis (see FeeItem.price_fen); 0 for water.",
        "FeeItemCreate.tiers": "Water only: 1 to 5 tiers, increasing up_to, the last without.",
        "FeeItemCreate.season": "Heating only: the season (start and end, MM-DD; not 02-29).",
        "FeeItemCreate.applies_to": "all (the default) or assigned (parking must be; flat may be).",
        "FeeItemCreate.due_days": "Days after the period's first day that bills are due (0 to 366; 30 by default).",
        "FeeItemCreate.grace_days": "Late fee only: days of grace after a due date (0 to 366).",
        "FeeItemUpdate.name": "A new name, unique in the estate.",
        "FeeItemUpdate.price_fen": "A new price, for the runs made after it.",
        "FeeItemUpdate.tiers": "New water tiers.",
        "FeeItemUpdate.season": "A new heating season.",
        "FeeItemUpdate.due_days": "New due days.",
        "FeeItemUpdate.grace_days": "New grace days (late fee only).",
        "FeeItemUpdate.active": "false retires the item; true brings it back.",
        "FeeItemHome.home_id": "A home of the item's estate.",
        "FeeItemHome.quantity": "How many (spaces), 1 to 100.",
        "FeeItemHomes.homes": "Every home the item applies to, each once (up to 10,000).",
        "Tier.price_fen": "Fen per m³ in this tier.",
        "Tier.up_to": "The tier's upper end of the yearly use per household, hundredths of m³ (18000: 180 m³).",
        "Season.start": "The season's first day, MM-DD (11-15).",
        "Season.end": "The season's last day, MM-DD (03-15); before start, it is in the next year.",
        "FundRate.estate_id": "The estate.",
        "FundRate.rate_fen_m2": "Fen per m² of the area that counts.",
        "FundRate.updated_at": "When it was last set.",
        "FundRateSet.rate_fen_m2": "Fen per m², 1 to 10,000,000 (10000 is 100 yuan/m²).",
        "FundOpened.homes": "Homes whose first deposit was recorded now.",
        "FundOpened.amount_fen": "Those first deposits in all, in fen.",
        "InterestShare.amount_fen": "The interest in fen (1 to 10^12).",
        "InterestShare.as_of": "The bank's settlement date (结息日); once per estate and date.",
        "InterestShare.memo": "A note kept on the entries (at most 200 characters).",
        "InterestShared.id": "The sharing's id.",
        "InterestShared.estate_id": "The estate.",
        "InterestShared.as_of": "The settlement date.",
        "InterestShared.amount_fen": "The interest shared, in fen: the homes' parts add up to it.",
        "InterestShared.homes": "Homes it was shared among.",
        "InterestShared.created_at": "When it was shared.",
        "FundLine.entry_id": "The ledger entry.",
        "FundLine.kind": "fund_deposit (a first deposit or top-up), fund_interest, or reversal (a correction).",
        "FundLine.memo": "What it was.",
        "FundLine.amount_fen": "Fen into the home's share (> 0) or out of it (< 0).",
        "FundLine.balance_fen": "The share's balance after it, in fen.",
        "FundLine.posted_at": "When it was posted.",
        "FundLine.reverses_entry_id": "For a correction, the entry it reverses.",
        "FundStatement.home_id": "The home.",
        "FundStatement.estate_id": "Its estate.",
        "FundStatement.area": "The area the first deposit was made on, hundredths of m².",
        "FundStatement.rate_fen_m2": "The rate the first deposit was made at, fen per m².",
        "FundStatement.first_deposit_fen": "The first deposit (首期交存), in fen: area × rate, rounded once.",
        "FundStatement.balance_fen": "The share's balance now, in fen.",
        "FundStatement.topup_threshold_fen": "30 % of the first deposit (rounded up): below it, a top-up is due.",
        "FundStatement.below_threshold": "true when the balance is below the threshold.",
        "FundStatement.topup_notice_at": "When the owners were sent the top-up notice (续筹通知) now open; null if none.",
        "FundStatement.items": "The movements of the page, oldest first.",
        "FundStatement.next_cursor": "The cursor of the next page; null on the last.",
        "EstateFund.estate_id": "The estate.",
        "EstateFund.rate_fen_m2": "The first-deposit rate; null until set.",
        "EstateFund.homes": "The estate's homes.",
        "EstateFund.homes_opened": "Homes with a first deposit.",
        "EstateFund.first_deposits_fen": "Their first deposits in all.",
        "EstateFund.balance_fen": "Their shares' balances in all.",
        "EstateFund.bank_fen": "The fund's money in its bank account: the shares plus interest not shared yet.",
        "EstateFund.interest_shared_fen": "Interest shared among the homes so far.",
        "EstateFund.homes_below_threshold": "Homes whose share is below 30 % of their first deposit.",
        "EstateFund.buildings": "Each building's part, by name.",
        "BuildingFund.building_id": "The building.",
        "BuildingFund.building": "Its name.",
        "BuildingFund.homes": "Its homes.",
        "BuildingFund.homes_opened": "Homes with a first deposit.",
        "BuildingFund.first_deposits_fen": "Their first deposits in all.",
        "BuildingFund.balance_fen": "Their shares' balances in all.",
        "BuildingFund.homes_below_threshold": "Homes below the top-up threshold.",
        "BuildingFundPage.building_id": "The building.",
        "BuildingFundPage.building": "Its name.",
        "BuildingFundPage.items": "Its homes of the page.",
        "BuildingFundPage.next_cursor": "The cursor of the next page; null on the last.",
        "HomeFund.home_id": "The home.",
        "HomeFund.entrance": "Its entrance (单元).",
        "HomeFund.floor": "Its floor.",
        "HomeFund.room": "Its room number.",
        "HomeFund.area": "Its area that counts, hundredths of m².",
        "HomeFund.first_deposit_fen": "Its first deposit; null before one is recorded.",
        "HomeFund.balance_fen": "Its share's balance, in fen.",
        "HomeFund.below_threshold": "true when the share is below 30 % of the first deposit.",
        "ReadingImportReport.id": "The import's id in the import log.",
        "ReadingImportReport.estate_id": "The estate of the fee item.",
        "ReadingImportReport.fee_item_id": "The water fee item the readings are for.",
        "ReadingImportReport.file_name": "The file's name.",
        "ReadingImportReport.sha256": "The SHA-256 of the file, hex.",
        "ReadingImportReport.format": "csv or xlsx, as read from the file itself.",
        "ReadingImportReport.encoding": (
            "How a CSV file was read: utf-8, gb18030 (GBK, as Excel saves CSV on a Chinese Windows) or utf-16; null "
            "for XLSX, or when none of them reads it."
        ),
        "ReadingImportReport.outcome": "imported, dry_run (nothing written) or refused (nothing written).",
        "ReadingImportReport.dry_run": "Whether the run only checked and counted.",
        "ReadingImportReport.rows": "Rows of readings in the file (empty lines not counted).",
        "ReadingImportReport.created": "Readings of a home and day not stored before.",
        "ReadingImportReport.updated": "Readings that replaced a different one stored for the same home and day.",
        "ReadingImportReport.unchanged": "Readings equal to the one stored for the same home and day.",
        "ReadingImportReport.problems": "Why the file was refused (at most 1,000 kept); empty otherwise.",
        "ReadingImportReport.problems_total": "How many problems were found in all.",
    }
)
EXAMPLES: dict[str, Any] = {
    "FeeItemCreate": {
        "kind": "water",
        "name": "居民水费",
        "tiers": [
            {"price_fen": 500, "up_to": 18000},
            {"price_fen": 700, "up_to": 26000},
            {"price_fen": 900},
        ],
        "due_days": 20,
    },
    "FeeItemUpdate": {"price_fen": 260},
    "FeeItemHomes": {"homes": [{"home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12", "quantity": 1}]},
    "BillingRunCreate": {"period": "2026-11"},
    "BillDecision": {"action": "waive", "reason": "困难家庭减免（业委会同意）"},
    "ReminderRequest": {
        "building_id": "01937b2a-4d1e-7a2f-8b3c-4d5e6f7a8b02",
        "min_outstanding_fen": 10000,
    },
    "FundRateSet": {"rate_fen_m2": 10000},
    "InterestShare": {"amount_fen": 128645, "as_of": "2026-12-21", "memo": "2026 年第四季度结息"},
    "ReadingImportReport": {
        "id": "01937d20-4e5f-7a6b-8c7d-9e0f1a2b3c07",
        "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
        "fee_item_id": "01937b40-3c4d-7e5f-8a6b-7c8d9e0f1a06",
        "file_name": "2026年11月抄表.csv",
        "sha256": "9c2e4f7a1b3d5c6e8f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e",
        "format": "csv",
        "encoding": "gb18030",
        "outcome": "imported",
        "dry_run": False,
        "rows": 336,
        "created": 330,
        "updated": 6,
        "unchanged": 0,
        "problems": [],
        "problems_total": 0,
    },
    # estates and residents' bindings (the 和平里 estate of the parameter examples)
    "EstateCreate": {
        "name": "和平里东街小区",
        "address": "北京市东城区和平里东街 15 号",
        "district_code": "110101",
        "location": {"lat": 39.9583, "lon": 116.4191, "crs": "wgs84"},
        "boundary": {
            "type": "Polygon",
            "coordinates": [
                [
                    [116.4172, 39.9571],
                    [116.4211, 39.9571],
                    [116.4211, 39.9596],
                    [116.4172, 39.9596],
                    [116.4172, 39.9571],
                ]
            ],
        },
        "property_company": "北京和平里物业服务有限公司",
        "service_grade": 2,
        "service_content": (
            "秩序维护：出入口 24 小时值守，每 2 小时巡查一次。环境卫生：公共区域每日清扫两次，生活垃圾日产日清。"
            "报修：急修 30 分钟内到场，一般维修 24 小时内处理。"
        ),
        "contact_name": "和平里东街小区物业服务中心",
        "contact_phone": "010-64211234",
        "office_hours": "每日 8:00-18:00（急修 24 小时）",
        "fee_standards": [
            {
                "item": "物业服务费",
                "price_fen": 265,
                "basis": "per_m2_month",
                "note": "按产权面积，按月计收",
            },
            {"item": "地下停车费", "price_fen": 30000, "basis": "per_space_month"},
            {
                "item": "采暖费",
                "price_fen": 3000,
                "basis": "per_m2_season",
                "note": "采暖期 11 月 15 日至次年 3 月 15 日",
            },
        ],
    },
    "EstateUpdate": {
        "contact_name": "和平里东街小区物业服务中心 王经理",
        "contact_phone": "010-64215678",
        "office_hours": "每日 8:00-20:00（急修 24 小时）",
    },
    "BindingRequest": {"relation": "tenant", "note": "租期 2026 年 11 月至 2027 年 10 月，房东张三"},
    "BindingDecision": {"note": "已核对租赁合同"},
    "BindingRefusal": {"reason": "未能核实租赁关系，请携带租赁合同到物业服务中心办理"},
    "BindingEnd": {"reason": "租约到期，已搬离"},
    "Bill": {
        "id": "01937c10-1a2b-7c3d-8e4f-5a6b7c8d9e03",
        "estate_id": "01937b2a-4c1d-7e2f-9a3b-5c6d7e8f9a01",
        "home_id": "01937b2a-5d2e-7f30-8b4c-6d7e8f9a0b12",
        "fee_item_id": "01937b40-2b3c-7d4e-9f5a-6b7c8d9e0f05",
        "fee_item_name": "物业费",
        "fee_kind": "property",
        "period": "2026-11",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "due_date": "2026-12-01",
        "amount_fen": 15050,
        "paid_fen": 0,
        "waived_fen": 0,
        "refunded_fen": 0,
        "outstanding_fen": 15050,
        "state": "issued",
        "reason": None,
        "lines": [
            {
                "item": "property",
                "quantity": 10033,
                "unit": "m2_hundredths",
                "price_fen": 150,
                "amount_fen": 15050,
                "months": 1,
            }
        ],
        "version": 1,
        "issued_at": "2026-11-01T01:00:12.512Z",
        "updated_at": "2026-11-01T01:00:12.512Z",
    },
}
