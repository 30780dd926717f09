"""Every problem code a client can see, with its HTTP status and its (zh-CN, en) titles: the one table.

A domain error (a plain exception with a class attribute ``code``, under one of ``DOMAIN_ERRORS``) is answered
with the row of its code; the API layer raises its own codes with ``api.errors.ProblemError``. A code shared by
several domains (``invalid_cursor``) has one row. A new error class or a new API-level code needs a row here:
tests/api/test_problems_registry.py fails otherwise, and so does a row nothing raises.
"""

from __future__ import annotations

from typing import NamedTuple

from cases.common import CasesError
from housing.errors import HousingError
from identity.errors import IdentityError
from media.errors import MediaError
from notifications.errors import NotificationsError
from open311.errors import Open311Error

#: The domains' error bases the API translates into problems (housing.providers' errors never reach it: the
#: payment services turn them into housing errors).
DOMAIN_ERRORS: tuple[type[Exception], ...] = (
    IdentityError,
    MediaError,
    CasesError,
    NotificationsError,
    HousingError,
    Open311Error,
)


class Problem(NamedTuple):
    status: int
    zh: str
    en: str


PROBLEMS: dict[str, Problem] = {
    # the API's own: HTTP, tokens' absence, roles, request headers, bodies
    "bad_request": Problem(400, "请求无效", "Bad request"),
    "malformed_json": Problem(400, "请求体不是有效的 JSON", "The request body is not valid JSON"),
    "validation_failed": Problem(422, "请求字段有误", "Some fields are invalid"),
    "unauthenticated": Problem(401, "需要登录", "Sign-in required"),
    "forbidden": Problem(403, "无权执行此操作", "You are not allowed to do this"),
    "not_found": Problem(404, "未找到", "Not found"),
    "method_not_allowed": Problem(405, "不支持该请求方法", "Method not allowed"),
    "payload_too_large": Problem(413, "请求体过大", "The request body is too large"),
    "unsupported_media_type": Problem(415, "不支持的内容类型", "Unsupported content type"),
    "internal_error": Problem(500, "服务器内部错误", "Internal server error"),
    "service_unavailable": Problem(503, "服务暂不可用", "Service unavailable"),
    "dependency_unavailable": Problem(503, "依赖服务不可用", "A service this API depends on is unavailable"),
    "precondition_required": Problem(428, "缺少 If-Match 版本号", "Send the case's version in If-Match"),
    "invalid_if_match": Problem(400, "If-Match 版本号无效", "If-Match must carry the case's version"),
    "idempotency_key_required": Problem(
        400, "缺少 Idempotency-Key 请求头", "An Idempotency-Key header is required"
    ),
    "idempotency_key_invalid": Problem(400, "Idempotency-Key 格式无效", "The Idempotency-Key is not valid"),
    "idempotency_key_reused": Problem(
        422, "该 Idempotency-Key 已用于另一个请求", "This Idempotency-Key was used for a different request"
    ),
    "no_grids": Problem(404, "尚未导入单元网格", "No unit grids are imported"),
    "reporter_always_follows": Problem(
        409,
        "你是该案件的上报人，会一直收到它的进展",
        "You reported this case: you hear of its progress as its reporter",
    ),
    # every domain's paging (identity, cases, notifications, housing)
    "invalid_cursor": Problem(422, "分页游标无效", "The cursor is not valid"),
    # identity/errors.py
    "invalid_phone": Problem(422, "手机号码无效", "The phone number is not valid"),
    "rate_limited": Problem(429, "操作过于频繁，请稍后再试", "Too many requests; try again later"),
    "otp_invalid": Problem(400, "验证码错误", "The code is wrong"),
    "otp_expired": Problem(400, "验证码已过期，请重新获取", "The code has expired; request a new one"),
    "otp_exhausted": Problem(
        400, "错误次数过多，请重新获取验证码", "Too many wrong tries; request a new code"
    ),
    "refresh_token_invalid": Problem(
        401, "刷新令牌无效或已过期", "The refresh token is invalid or has expired"
    ),
    "refresh_token_reused": Problem(
        401,
        "刷新令牌被重复使用，该登录已全部失效",
        "The refresh token was used twice; every token of this sign-in is revoked",
    ),
    "token_invalid": Problem(401, "访问令牌无效或已过期", "The access token is invalid or has expired"),
    "session_revoked": Problem(401, "登录已失效，请重新登录", "This session has ended; sign in again"),
    "firebase_token_invalid": Problem(401, "Firebase 身份令牌无效", "The Firebase ID token is not valid"),
    "firebase_not_configured": Problem(400, "未启用 Firebase 登录", "Firebase sign-in is not enabled"),
    "user_not_found": Problem(404, "用户不存在", "No such user"),
    "user_disabled": Problem(403, "账号已停用", "This account is disabled"),
    "invalid_scope": Problem(422, "角色范围无效", "The role scope is not valid"),
    # media/errors.py
    "unsupported_image_type": Problem(
        415,
        "不支持的图片格式（可用 JPEG、PNG、WebP、HEIC）",
        "Not a supported image (JPEG, PNG, WebP or HEIC)",
    ),
    "image_too_large": Problem(422, "图片像素过多", "The image has too many pixels"),
    "corrupt_image": Problem(422, "图片已损坏或不完整", "The image is damaged or incomplete"),
    "upload_too_large": Problem(413, "文件过大", "The file is too large"),
    "upload_not_found": Problem(404, "上传不存在", "No such upload"),
    "upload_not_received": Problem(409, "尚未收到上传的文件", "The file has not been uploaded yet"),
    "upload_mismatch": Problem(422, "上传的文件与声明不符", "The uploaded file is not what was announced"),
    "photo_not_found": Problem(404, "照片不存在", "No such photo"),
    "storage_unavailable": Problem(
        503, "存储服务暂不可用，请稍后重试", "Photo storage is unavailable; try again shortly"
    ),
    # cases/*/errors.py and cases/common.py
    "invalid_coordinates": Problem(422, "坐标无效", "The coordinates are not valid"),
    "unsupported_crs": Problem(
        422,
        "不支持的坐标系（可用 wgs84、gcj02、bd09）",
        "Unknown coordinate system (use wgs84, gcj02 or bd09)",
    ),
    "unknown_category": Problem(422, "问题类别不存在", "No such category"),
    "category_not_reportable": Problem(422, "该类别不接受市民上报", "Citizens cannot report this category"),
    "outside_service_area": Problem(
        422, "位置不在本市服务范围内", "The location is outside the city's service area"
    ),
    "no_service_area": Problem(404, "尚未设置服务范围", "No service area is set up"),
    "photos_required": Problem(422, "该类别需要上传照片", "This category needs photos"),
    "photo_unavailable": Problem(422, "照片不可用", "A photo cannot be used"),
    "report_not_found": Problem(404, "上报不存在", "No such report"),
    "tile_not_found": Problem(404, "地图瓦片不存在", "No such map tile"),
    "report_limit_reached": Problem(429, "今日上报次数已达上限", "You have reached today's limit of reports"),
    "invalid_catalogue": Problem(422, "类别目录文件无效", "The category catalogue is not valid"),
    "category_not_found": Problem(404, "类别不存在", "No such category"),
    "invalid_calendar_date": Problem(
        422, "日期无效（格式为 YYYY-MM-DD）", "The date is not valid (use YYYY-MM-DD)"
    ),
    "invalid_calendar_range": Problem(
        422,
        "日期范围无效（结束不早于开始，最多 366 天）",
        "The date range is not valid (it must not end before it starts, and spans at most 366 days)",
    ),
    "calendar_override_not_found": Problem(404, "该日期没有调整记录", "That day has no override"),
    "deadline_beyond_calendar": Problem(
        422, "工作日历中没有足够的工作时间计算期限", "The working calendar has no room for this limit"
    ),
    "case_not_found": Problem(404, "案件不存在", "No such case"),
    "transition_not_allowed": Problem(
        409, "案件当前状态不允许该操作", "This action is not possible in the case's current state"
    ),
    "action_forbidden": Problem(403, "无权对该案件执行此操作", "You may not take this action on this case"),
    "version_conflict": Problem(
        409, "案件已被他人更新，请刷新后重试", "The case changed since you read it; reload and retry"
    ),
    "missing_fields": Problem(422, "缺少该操作必需的内容", "This action needs more information"),
    "unknown_department": Problem(422, "处置部门不存在", "No such department"),
    "no_inspector_on_duty": Problem(409, "该网格当前没有在岗监督员", "No inspector is on duty for this grid"),
    "rating_not_allowed": Problem(409, "当前不能评价", "This case cannot be rated now"),
    "grid_import_refused": Problem(422, "网格文件未导入：存在问题", "The grid file was refused"),
    "unknown_grid": Problem(422, "责任网格不存在", "No such responsibility grid"),
    "not_an_inspector": Problem(
        422, "该用户不是可在此网格值守的监督员", "The user is not an inspector who can be on duty here"
    ),
    "invalid_duty": Problem(422, "值守时段无效", "The duty period is not valid"),
    "invalid_period": Problem(
        422,
        "统计期间无效（日期格式为 YYYY-MM-DD，结束不早于开始，最多 366 天）",
        "The period is not valid (dates are YYYY-MM-DD; it must not end before it starts and spans at most 366 days)",
    ),
    "unknown_weight_kind": Problem(404, "没有这种权重", "There are no weights of that kind"),
    "invalid_weights": Problem(
        422,
        "权重无效（只能是该类别的指标，合计 100）",
        "The weights are not valid (indicators of the kind only, adding up to 100)",
    ),
    # notifications/errors.py
    "notification_not_found": Problem(404, "消息不存在", "No such message"),
    "device_not_found": Problem(404, "设备不存在", "No such device"),
    "webhook_not_found": Problem(404, "Webhook 订阅不存在", "No such webhook subscriber"),
    "webhook_url_invalid": Problem(422, "Webhook 地址无效", "The webhook URL is not valid"),
    "webhook_target_forbidden": Problem(
        422,
        "Webhook 地址不能指向内网、本机或链路本地地址",
        "A webhook may not point at loopback, private or link-local addresses",
    ),
    "webhook_host_unresolvable": Problem(
        422, "Webhook 地址的主机名无法解析", "The webhook host does not resolve"
    ),
    "delivery_not_found": Problem(404, "投递记录不存在", "No such delivery"),
    "outbox_entry_not_found": Problem(404, "事件不存在", "No such outbox entry"),
    "not_dead": Problem(409, "只能重放已失败的投递", "Only dead deliveries can be replayed"),
    "invalid_quiet_hours": Problem(422, "免打扰时段无效", "The quiet hours are not valid"),
    # housing/errors.py
    "estate_not_found": Problem(404, "小区不存在", "No such estate"),
    "home_not_found": Problem(404, "房屋不存在", "No such home"),
    "invalid_estate": Problem(422, "小区信息无效", "The estate's details are not valid"),
    "estate_forbidden": Problem(
        403, "你不是该小区的物业人员或辖区房管人员", "You have no role in this estate"
    ),
    "home_forbidden": Problem(403, "这不是你绑定的房屋", "This is not one of your homes"),
    "register_import_refused": Problem(422, "业主名册未导入：存在问题", "The owners register was refused"),
    "binding_not_found": Problem(404, "绑定申请不存在", "No such binding"),
    "already_bound": Problem(
        409, "你已绑定该房屋或申请正在审核", "You are already bound to this home, or have asked"
    ),
    "binding_state_conflict": Problem(
        409, "绑定当前状态不允许该操作", "The binding's state does not allow this"
    ),
    "binding_forbidden": Problem(403, "无权处理该绑定", "You may not decide on or end this binding"),
    "invalid_amount": Problem(
        422, "金额无效（须为正整数，单位：分）", "The amount is not a whole positive number of fen"
    ),
    "ledger_unbalanced": Problem(500, "记账分录借贷不平衡", "A ledger entry does not balance"),
    "ledger_entry_not_found": Problem(404, "记账分录不存在", "No such ledger entry"),
    "ledger_entry_reversed": Problem(409, "该分录已冲正", "The entry was reversed already"),
    "fee_item_not_found": Problem(404, "收费项目不存在", "No such fee item"),
    "invalid_fee_item": Problem(422, "收费项目无效", "The fee item is not valid"),
    "fee_item_exists": Problem(409, "同名收费项目已存在", "The estate has such a fee item already"),
    "invalid_billing_period": Problem(
        422, "账期无效（YYYY-MM 或 YYYY-Qn）", "The period is not YYYY-MM or YYYY-Qn"
    ),
    "billing_period_overlaps": Problem(409, "与已出账的账期重叠", "The period overlaps one billed already"),
    "billing_run_not_found": Problem(404, "出账批次不存在", "No such billing run"),
    "bill_not_found": Problem(404, "账单不存在", "No such bill"),
    "bill_state_conflict": Problem(409, "账单当前状态不允许该操作", "The bill's state does not allow this"),
    "bill_version_conflict": Problem(
        409, "账单已被修改，请刷新后重试", "The bill changed meanwhile; reload it"
    ),
    "insufficient_credit": Problem(409, "预存余额不足", "The home's credit is smaller than that"),
    "refund_too_large": Problem(
        409, "退款金额超过可退金额", "The refund is larger than what can be refunded"
    ),
    "invalid_provider": Problem(422, "支付渠道无效", "The payment provider is not valid"),
    "reading_import_refused": Problem(422, "抄表数据未导入：存在问题", "The meter readings were refused"),
    "fund_rate_missing": Problem(
        409, "小区尚未设置维修资金交存标准", "The estate has no first-deposit rate yet"
    ),
    "fund_not_opened": Problem(404, "该房屋尚未交存维修资金", "The home has no share of the fund yet"),
    "fund_interest_exists": Problem(409, "该结息日的收益已分摊", "Interest of that date was shared already"),
    "fund_no_homes": Problem(409, "没有已交存维修资金的房屋", "No home has a share of the fund"),
    "building_not_found": Problem(404, "楼栋不存在", "No such building"),
    "payment_not_found": Problem(404, "支付订单不存在", "No such payment"),
    "invalid_payment": Problem(422, "支付请求无效", "The payment cannot be made as asked"),
    "bill_not_payable": Problem(
        409, "账单已缴清、减免或作废，无需支付", "The bill is paid, waived or cancelled already"
    ),
    "bill_payment_pending": Problem(
        409, "账单正在另一笔支付中，请完成或取消该笔支付", "The bill is being paid in another order"
    ),
    "payment_provider_unavailable": Problem(
        503, "支付渠道暂不可用，请稍后重试", "The payment channel is unavailable; try again shortly"
    ),
    "payment_provider_refused": Problem(
        502, "支付渠道拒绝了该请求", "The payment provider refused the request"
    ),
    "payment_state_conflict": Problem(
        409, "支付订单当前状态不允许该操作", "The payment's state does not allow this"
    ),
    "vote_matter_not_found": Problem(404, "表决事项不存在", "No such matter put to the vote"),
    "invalid_vote_matter": Problem(422, "表决事项无效", "The matter cannot be raised as given"),
    "vote_forbidden": Problem(
        403, "你不是该小区业主大会的组织者或业主", "You do not run or take part in this estate's votes"
    ),
    "vote_state_conflict": Problem(
        409, "表决事项当前状态不允许该操作", "The matter's state does not allow this"
    ),
    "vote_roll_empty": Problem(409, "表决范围内没有业主", "No owner is in the matter's scope"),
    "not_a_voter": Problem(403, "你不是该户的投票人或受托人", "You are not the voter or proxy of this head"),
    "vote_head_not_found": Problem(404, "表决名册中没有该户", "No such head on the roll"),
    "ballot_exists": Problem(409, "该户已投票", "This head has voted already"),
    "invalid_vote_photo": Problem(422, "照片无效（须为你上传的照片）", "The photo is not one you uploaded"),
    "vote_proxy_not_found": Problem(404, "委托不存在", "No such proxy"),
    "vote_proxy_exists": Problem(409, "该户已有有效委托", "This head has a live proxy already"),
    "vote_owner_not_found": Problem(422, "该业主不属于这一户", "That owner is not an owner of this head"),
    "announcement_not_found": Problem(404, "公告不存在", "No such announcement"),
    "invalid_announcement": Problem(422, "公告内容无效", "The announcement cannot be published as given"),
    "announcement_forbidden": Problem(
        403, "无权发布、撤回或查看该公告", "You may not publish, withdraw or read this announcement"
    ),
    "announcement_state_conflict": Problem(409, "公告已撤回", "The announcement was withdrawn already"),
    "invalid_estate_photo": Problem(422, "照片无效（须为你上传的照片）", "The photo is not one you uploaded"),
    "filing_not_found": Problem(404, "备案不存在", "No such filing"),
    "invalid_filing": Problem(422, "备案内容无效", "The filing is not valid"),
    "filing_forbidden": Problem(
        403, "无权提交、审核或查看该备案", "You may not file, decide on or read this filing"
    ),
    "filing_state_conflict": Problem(
        409, "备案当前状态不允许该操作", "The filing's state does not allow this"
    ),
    "filing_version_conflict": Problem(
        409, "备案版本已变化，请刷新后重试", "The filing's version is not the one named; reload it"
    ),
    "fund_project_not_found": Problem(404, "维修资金使用项目不存在", "No such fund project"),
    "invalid_fund_project": Problem(
        422, "维修资金使用项目无效", "The fund project cannot be raised as given"
    ),
    "fund_project_forbidden": Problem(
        403, "无权办理或查看该维修资金使用项目", "You may not do this with or read this fund project"
    ),
    "fund_project_state_conflict": Problem(
        409, "维修资金使用项目当前状态不允许该操作", "The fund project's state does not allow this"
    ),
    "fund_project_version_conflict": Problem(
        409, "项目版本已变化，请刷新后重试", "The fund project's version is not the one named; reload it"
    ),
    "fund_vote_not_passed": Problem(409, "业主表决未通过或尚未公布结果", "The owners' vote has not passed"),
    "fund_share_insufficient": Problem(
        409, "有房屋的维修资金余额不足以分摊", "A home's share of the fund is smaller than its part"
    ),
    "fund_settlement_exceeds": Problem(
        422, "决算金额超过已划拨金额", "The final cost is more than was disbursed"
    ),
    # repairs and complaints (housing/repairs.py)
    "repair_not_found": Problem(404, "报修或投诉不存在", "No such repair or complaint"),
    "invalid_repair": Problem(422, "报修信息有误", "The repair's data is not valid"),
    "repair_forbidden": Problem(403, "你不能在此小区报修或投诉", "You cannot report in this estate"),
    "repair_list_forbidden": Problem(
        403, "你不能查看此小区的报修和投诉", "You cannot read this estate's repairs and complaints"
    ),
    # credit evaluation of property companies (housing/credit.py)
    "invalid_credit_month": Problem(
        422,
        "月份无效（YYYY-MM，2000-01 起，且已开始）",
        "The month is not valid (YYYY-MM, from 2000-01, begun)",
    ),
    "credit_forbidden": Problem(403, "无权查看该信用评价", "You may not read this credit evaluation"),
    "invalid_credit_scheme": Problem(
        422, "信用评价权重或等级分数线无效", "The credit weights or grade bands are not valid"
    ),
    # Open311 GeoReport v2 (open311/): answered as GeoReport errors (400, 403, 404) on /open311/v2, as problems on
    # the admins' applications
    "open311_api_key_invalid": Problem(
        403, "api_key 无效或已吊销", "The api_key is not valid or was revoked"
    ),
    "open311_jurisdiction_not_found": Problem(
        404, "不服务该辖区", "This server does not serve that jurisdiction"
    ),
    "open311_service_not_found": Problem(404, "没有该服务类别", "No such service"),
    "open311_request_not_found": Problem(404, "没有该服务请求", "No such service request"),
    "open311_token_not_found": Problem(404, "没有该令牌", "No such token"),
    "open311_not_found": Problem(
        404, "没有该资源（仅提供 .xml 和 .json）", "No such resource (.xml and .json only)"
    ),
    "open311_invalid_request": Problem(400, "请求参数无效", "A parameter is missing or not valid"),
    "open311_invalid_date_range": Problem(
        400,
        "起止时间无效（开始早于结束，最多相隔 90 天）",
        "The date range is not valid (start before end, 90 days at most)",
    ),
    "open311_address_not_placeable": Problem(
        400, "无法仅凭地址定位，请提供经纬度", "An address alone cannot be placed: send lat and long"
    ),
    "open311_media_unavailable": Problem(
        400, "无法获取 media_url 指向的图片", "The media_url could not be fetched"
    ),
    "open311_application_not_found": Problem(404, "没有该 Open311 应用", "No such Open311 application"),
}
