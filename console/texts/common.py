"""Texts of the layout, the sign-in, the nav and the error pages (key -> (zh-CN, en))."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "common.app_name": ("CityLoop 管理控制台", "CityLoop console"),
    "common.nav_label": ("功能区", "Areas"),
    "common.language": ("语言", "Language"),
    "common.sign_out": ("退出登录", "Sign out"),
    "common.home_title": ("工作台", "Home"),
    "common.home_intro": ("请选择功能区：", "Choose an area:"),
    "common.placeholder": ("“{area}”功能区建设中。", "The {area} area is being built."),
    # the areas' names in the nav (console/areas.py)
    "nav.command": ("指挥中心", "Command centre"),
    "nav.leaders": ("领导驾驶舱", "Leaders' dashboard"),
    "nav.property": ("物业与住房", "Property office"),
    "nav.admin": ("系统管理", "Administration"),
    # sign-in
    "signin.title": ("登录控制台", "Sign in to the console"),
    "signin.phone": ("手机号码", "Phone number"),
    "signin.send_code": ("获取验证码", "Send code"),
    "signin.code": ("短信验证码", "SMS code"),
    "signin.submit": ("登录", "Sign in"),
    "signin.code_sent": (
        "验证码已发送至 {phone}，{minutes} 分钟内有效。",
        "A code was sent to {phone}. It is valid for {minutes} minutes.",
    ),
    "signin.other_phone": ("换一个号码", "Use another number"),
    "signin.not_staff": (
        "此账号没有控制台权限，请联系管理员。",
        "This account has no access to the console. Ask an administrator.",
    ),
    "signin.expired": ("登录已失效，请重新登录。", "Your session has ended. Please sign in again."),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.forbidden": ("你无权访问此页面。", "You are not allowed to open this page."),
    "error.csrf": (
        "表单已过期或来源无效，请刷新页面后重试。",
        "The form has expired or did not come from this console. Reload the page and try again.",
    ),
    "error.not_found": ("页面不存在。", "There is no such page."),
    "error.unavailable": ("服务暂不可用，请稍后再试。", "The service is unavailable. Try again shortly."),
    "error.internal": ("服务器内部错误。", "Internal server error."),
    "error.back_home": ("返回工作台", "Back to the home page"),
}
