"""The console in a real browser: Debian's Chromium, headless, driven by Selenium through /usr/bin/chromedriver,
against a live server (uvicorn on loopback) whose carrier is the SMSC simulator (`mpaas smsc-sim`, real SMPP,
real delivery receipts) and whose webhooks go to real HTTP receivers, one of them failing.

Screenshots of the main pages are written to docs/console/screenshots/ for review (docs/console.md)."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest
import uvicorn
from consolekit import PASSWORD

from mpaas.accounts.service import IssuedCredential, create_distributor
from mpaas.app import create_app
from mpaas.config import Settings
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.roles.platform import Platform
from support.processes import env, free_port, start_smsc_sim, stop, wait_healthy

pytestmark = [pytest.mark.process, pytest.mark.slow, pytest.mark.xdist_group("console-browser")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console" / "screenshots"
OPERATOR = "browser-operator-token"
WAIT = 60  # seconds a page may take to show what the test waits for (a ceiling, not a measurement)

webdriver = pytest.importorskip("selenium.webdriver")
if not (
    CHROMIUM.exists() and CHROMEDRIVER.exists()
):  # .ci/run installs them (apt-get install chromium chromium-driver)
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


class Receiver:
    """A real HTTP receiver answering every request with `status`, recording the bodies."""

    def __init__(self, status: int):
        self.bodies: list[dict] = []
        status_code = status
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                bodies.append(json.loads(raw or b"{}"))
                self.send_response(status_code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Site:
    base: str
    credential: IssuedCredential
    good_number: str  # on a route whose status callbacks succeed
    failing_number: str  # on a route whose status callbacks answer 500
    subscriber_number: str
    other_number: str  # another subscriber's
    good_route: str
    emails: dict[str, str]
    failing: Receiver
    good_url: str


async def _seed(settings: Settings) -> IssuedCredential:
    platform = Platform.build(settings)
    await platform.start()
    try:
        async with platform.db.write() as session:
            credential = await create_distributor(session, name="Acme Mobile", rate_limit=0, now=platform.clock.now())
        rows = list(inventory_data.generate(40, seed=11, area_codes=["801"]))
        await inventory.load(platform.db, rows, platform.clock.now())
        return credential
    finally:
        await platform.close()


class ApiClient:
    def __init__(self, base: str, credential: IssuedCredential):
        self.base, self.credential = base, credential
        self.http = httpx2.Client(timeout=15)

    def post(self, path: str, body: dict) -> dict:
        token = self.http.post(
            f"{self.base}/v1.0/OAuth2/tokens",
            json={
                "AccountKey": self.credential.account_key,
                "AccountSecret": self.credential.account_secret,
                "ApiEndpoint": f"{self.base}{path}",
            },
        ).json()["token"]
        response = self.http.post(f"{self.base}{path}", json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, (path, response.text)
        return response.json()


@pytest.fixture(scope="module")
def site(tmp_path_factory, migrated_template) -> Iterator[Site]:
    environ = env()
    sim, smpp_port, _stats = start_smsc_sim(environ, receipt_delay=0.2)
    good, failing = Receiver(204), Receiver(500)
    data_dir = tmp_path_factory.mktemp("console-browser")
    shutil.copy(migrated_template, data_dir / "mpaas.db")
    settings = Settings(
        data_dir=data_dir,
        seed_inventory_count=0,
        operator_token=OPERATOR,
        smpp_url=f"smpp://mpaas:secret@127.0.0.1:{smpp_port}",
        worker_poll_seconds=0.05,
        rate_limit_per_minute=0,
        egress_allow="loopback",
        sandbox_endpoints=True,
        sip_shared_secret=SIP_SECRET,
    )
    credential = asyncio.run(_seed(settings))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        (data_dir / "server.log").write_text("")
        wait_healthy(base, sim, data_dir / "server.log")
        api = ApiClient(base, credential)
        good_route = api.post(
            "/v1.0/message/routes",
            {"RouteName": "Main", "MessageUrl": good.url, "MessageUrlMethod": "POST", "CallbackMessageUrl": good.url},
        )["MessageRouteId"]
        bad_route = api.post(
            "/v1.0/message/routes",
            {
                "RouteName": "Broken receiver",
                "MessageUrl": failing.url,
                "MessageUrlMethod": "POST",
                "CallbackMessageUrl": failing.url,
            },
        )["MessageRouteId"]
        api.post(
            "/v1.0/webhook/create",
            {"WebhookUrl": failing.url, "Method": "POST", "SubscribedEvents": "Order_Update"},
        )

        def provision(route: str) -> str:
            body = {
                "NumberType": "mvno",
                "MessageType": "p2p",
                "MessageEnabled": True,
                "VoiceEnabled": False,
                "MessageRouteId": route,
                "ProductType": "Sms+Data",
            }
            return api.post("/v1.0/numbers/provision", body)["PhoneNumberAssigned"]

        numbers = [provision(good_route), provision(bad_route), provision(good_route), provision(good_route)]
        emails = {}
        for key, role, owned in (
            ("admin", "Account Admin", []),
            ("manager", "Manager", []),
            ("subscriber", "Subscriber", [numbers[2]]),
            ("other", "Subscriber", [numbers[3]]),
        ):
            emails[key] = f"{key}@acme.example"
            api.post(
                "/v1.0/subscribers/create",
                {
                    "Name": f"Acme {key}",
                    "Email": emails[key],
                    "PhoneNumbers": owned,
                    "Role": role,
                    "Password": PASSWORD,
                },
            )
        yield Site(
            base, credential, numbers[0], numbers[1], numbers[2], numbers[3], good_route, emails, failing, good.url
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        stop(sim)
        good.close()
        failing.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser, site):
    """The browser, signed out, at 1280 px wide."""
    browser.delete_all_cookies()
    browser.set_window_size(1280, 900)
    return browser


def wait(driver, condition):
    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except Exception:
        print("page at the timeout:", driver.current_url, driver.page_source[:4000])
        raise


def sign_in(driver, site: Site, kind: str, login: str, secret: str) -> None:
    driver.get(f"{site.base}/console/login")
    driver.find_element(By.CSS_SELECTOR, f"input[name=kind][value={kind}]").click()
    if kind == "subscriber":
        driver.find_element(By.ID, "email").send_keys(login)
        driver.find_element(By.ID, "password").send_keys(secret)
    elif kind == "distributor":
        driver.find_element(By.ID, "account_key").send_keys(login)
        driver.find_element(By.ID, "account_secret").send_keys(secret)
    else:
        driver.find_element(By.ID, "operator_token").send_keys(secret)
    driver.find_element(By.ID, "sign-in").click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "form.whoami")))


def choose(driver, select_id: str, value: str) -> None:
    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


SIP_SECRET = "console-browser-sip-secret"


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def test_sign_in_as_each_role(page, site):
    page.get(f"{site.base}/console/login")
    shot(page, "login")
    for kind, login, secret, heading, role in (
        ("subscriber", site.emails["admin"], PASSWORD, "Numbers", "Account Admin"),
        ("subscriber", site.emails["manager"], PASSWORD, "Numbers", "Manager"),
        ("subscriber", site.emails["subscriber"], PASSWORD, "Numbers", "Subscriber"),
        ("distributor", site.credential.account_key, site.credential.account_secret, "Numbers", "Distributor"),
        ("operator", "", OPERATOR, "Platform", "Operator"),
    ):
        page.delete_all_cookies()
        sign_in(page, site, kind, login, secret)
        assert page.find_element(By.TAG_NAME, "h1").text == heading
        assert role in page.find_element(By.CSS_SELECTOR, "form.whoami").text
    shot(page, "platform")


def test_a_wrong_password_is_refused_on_the_page(page, site):
    page.get(f"{site.base}/console/login")
    page.find_element(By.ID, "email").send_keys(site.emails["manager"])
    page.find_element(By.ID, "password").send_keys("not-the-password")
    page.find_element(By.ID, "sign-in").click()
    assert "Sign-in failed" in wait(page, EC.presence_of_element_located((By.CSS_SELECTOR, "p.error"))).text


def test_provision_a_number(page, site):
    sign_in(page, site, "subscriber", site.emails["admin"], PASSWORD)
    page.find_element(By.ID, "area_code").send_keys("801")
    page.find_element(By.ID, "search-numbers").click()
    assert wait(page, EC.presence_of_element_located((By.ID, "available"))).find_elements(By.TAG_NAME, "li")
    choose(page, "p_route", site.good_route)
    page.find_element(By.ID, "provision-number").click()
    notice = wait(page, EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice"))).text
    assert notice.startswith("Provisioned +1801")
    number = notice.split()[1].rstrip(".")
    assert number in page.find_element(By.ID, "numbers").text
    shot(page, "numbers")
    page.find_element(By.LINK_TEXT, number).click()
    assert wait(page, EC.presence_of_element_located((By.ID, "number-status"))).text == "Active"
    shot(page, "number")


def test_send_a_message_and_watch_it_reach_delivered(page, site):
    sign_in(page, site, "subscriber", site.emails["manager"], PASSWORD)
    page.find_element(By.LINK_TEXT, "Send").click()
    choose(page, "from", site.good_number)
    page.find_element(By.ID, "to").send_keys("+18015550142")
    page.find_element(By.ID, "body").send_keys("Hello from the console")
    shot(page, "send")
    page.find_element(By.ID, "send-message").click()
    wait(page, EC.presence_of_element_located((By.ID, "message-status")))
    # the page polls its live fragment; the SMSC simulator's receipt makes it Delivered, then the callback lands
    wait(page, EC.text_to_be_present_in_element((By.ID, "message-status"), "Delivered"))
    wait(page, EC.text_to_be_present_in_element((By.ID, "timeline"), "-> 204"))
    timeline = page.find_element(By.ID, "timeline").text
    assert timeline.index("Queued") < timeline.index("Delivered")
    shot(page, "message")
    page.find_element(By.LINK_TEXT, "Messages").click()
    choose(page, "number", site.good_number)
    page.find_element(By.CSS_SELECTOR, "#message-filter button").click()

    def searched(driver) -> bool:
        # the submitted search replaces the first page: until it has, the old table may go from under the read
        # (a stale element, or Chromium's "Node with given id does not belong to the document")
        try:
            return (
                "number=" in driver.current_url
                and "Hello from the console" in driver.find_element(By.ID, "messages").text
            )
        except WebDriverException:
            return False

    wait(page, searched)
    shot(page, "messages")


def test_a_failing_webhook_shows_its_attempts(page, site):
    sign_in(page, site, "distributor", site.credential.account_key, site.credential.account_secret)
    page.get(f"{site.base}/console/send")
    choose(page, "from", site.failing_number)
    page.find_element(By.ID, "to").send_keys("+18015550143")
    page.find_element(By.ID, "body").send_keys("Callback receiver is down")
    page.find_element(By.ID, "send-message").click()
    wait(page, EC.text_to_be_present_in_element((By.ID, "message-status"), "Delivered"))
    wait(page, EC.text_to_be_present_in_element((By.ID, "timeline"), "-> 500"))
    assert page.find_elements(By.CSS_SELECTOR, "#timeline li.bad")
    shot(page, "message-failing-webhook")
    # the account webhook (Order_Update) answered 500 to the provisioning orders: its attempts on the page
    page.find_element(By.LINK_TEXT, "Webhooks").click()
    deliveries = page.find_element(By.ID, "deliveries").text
    assert "Order_Update" in deliveries and "500" in deliveries
    shot(page, "webhooks")
    # ... and recovers: point it at a working receiver from the page, provision, and see a 204 delivery
    page.find_element(By.ID, "url-1").send_keys(site.good_url)
    page.find_element(By.CSS_SELECTOR, "#webhooks button[type=submit]").click()
    assert "saved" in wait(page, EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice"))).text
    assert site.good_url in page.find_element(By.ID, "webhooks").text
    page.find_element(By.LINK_TEXT, "Numbers").click()
    choose(page, "p_route", site.good_route)
    page.find_element(By.ID, "provision-number").click()
    wait(page, EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))

    def delivered_204(driver):
        driver.get(f"{site.base}/console/webhooks")
        return any("204" in row.text for row in driver.find_elements(By.CSS_SELECTOR, "#deliveries tr.ok"))

    wait(page, delivered_204)
    shot(page, "webhooks-recovered")


def test_a_subscriber_cannot_open_another_subscribers_number(page, site):
    sign_in(page, site, "subscriber", site.emails["subscriber"], PASSWORD)
    listing = page.find_element(By.ID, "numbers").text
    assert site.subscriber_number in listing and site.other_number not in listing
    page.get(f"{site.base}/console/numbers/{site.other_number}")
    assert page.find_element(By.TAG_NAME, "h1").text == "Not found"
    assert site.other_number not in page.find_element(By.ID, "main").text
    page.get(f"{site.base}/console/messages?number={site.other_number}")
    assert page.find_element(By.TAG_NAME, "h1").text == "Not found"
    page.get(f"{site.base}/console/numbers/{site.subscriber_number}")
    assert page.find_element(By.ID, "number-status").text == "Active"


def test_keyboard_and_narrow_screen(page, site):
    page.set_window_size(360, 780)
    page.get(f"{site.base}/console/login")
    body = page.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert page.switch_to.active_element.text == "Skip to content"
    # every form control has a label
    unlabelled = page.execute_script(
        "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)"
    )
    assert unlabelled == []
    # sign in with the keyboard alone
    page.find_element(By.ID, "email").send_keys(site.emails["manager"], Keys.TAB, PASSWORD, Keys.ENTER)
    wait(page, EC.presence_of_element_located((By.ID, "numbers")))
    for path in ("/console/numbers", "/console/messages", "/console/calls", "/console/send", "/console/webhooks"):
        page.get(site.base + path)
        overflow = page.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
        shot(page, "360px-" + path.rsplit("/", 1)[1])


def test_calls_page(page, site):
    """A call asked of the routing decision (POST /sip/v1/route, as Kamailio asks it) is on the calls page."""
    asked = httpx2.post(
        f"{site.base}/sip/v1/route",
        json={"CallId": "browser-call-1", "From": "+12125550100", "To": site.good_number, "SourceIp": "127.0.0.1"},
        headers={"X-Mpaas-Sip-Secret": SIP_SECRET},
        timeout=15,
    )
    assert asked.status_code == 200, asked.text
    sign_in(page, site, "subscriber", site.emails["manager"], PASSWORD)
    page.find_element(By.LINK_TEXT, "Calls").click()
    assert site.good_number in page.find_element(By.ID, "calls").text
    shot(page, "calls")


def test_usage_statements_subscribers_and_routes_pages(page, site):
    now = datetime.now(UTC)
    records = [
        {
            "RecordId": f"b{i}",
            "PhoneNumber": site.good_number,
            "Bytes": (i + 1) * 700_000,
            "Timestamp": (now - timedelta(hours=6 * i)).isoformat(),
        }
        for i in range(8)
    ]
    ingested = httpx2.post(
        f"{site.base}/ops/v1/usage",
        json={"Records": records},
        headers={"Authorization": f"Bearer {OPERATOR}"},
        timeout=15,
    )
    assert ingested.status_code == 200, ingested.text
    sign_in(page, site, "subscriber", site.emails["admin"], PASSWORD)
    page.get(f"{site.base}/console/numbers/{site.good_number}")
    page.find_element(By.LINK_TEXT, "Data usage this month").click()
    chart = page.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.get_attribute("role") == "img" and "peak 0 B" not in chart.get_attribute("aria-label")
    shot(page, "usage")
    page.find_element(By.LINK_TEXT, "Statements").click()
    assert (
        page.find_element(By.ID, "csv")
        .get_attribute("href")
        .endswith(
            ".csv?account="
            + page.find_element(By.ID, "account").get_attribute("value")
            + "&period="
            + page.find_element(By.ID, "period").get_attribute("value")
        )
    )
    shot(page, "statements")
    page.find_element(By.LINK_TEXT, "Subscribers").click()
    assert site.emails["subscriber"] in page.find_element(By.ID, "subscribers").text
    shot(page, "subscribers")
    page.find_element(By.LINK_TEXT, "Routes").click()
    assert site.good_route in page.find_element(By.ID, "message-routes").text
    shot(page, "routes")
    page.find_element(By.LINK_TEXT, "Catalog").click()
    assert page.find_element(By.TAG_NAME, "h1").text == "Catalog and subscriptions"


UNLABELLED = (
    "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
    ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name)"
)


def test_every_page_is_labelled_and_fits_360_px(page, site):
    """Every form control of every page (an Account Admin's, who gets the most forms, and the operator's) has a
    label, and no page is wider than a 360 px screen."""
    page.set_window_size(360, 780)
    sign_in(page, site, "subscriber", site.emails["admin"], PASSWORD)
    number = site.good_number
    paths = [
        "/console/numbers",
        f"/console/numbers/{number}",
        f"/console/numbers/{number}/usage",
        f"/console/messages?number={number}",
        f"/console/calls?number={number}",
        "/console/send",
        "/console/routes",
        "/console/webhooks",
        "/console/subscribers",
        "/console/catalog",
        "/console/statements",
    ]
    for path in paths:
        page.get(site.base + path)
        assert page.find_element(By.TAG_NAME, "h1").text not in ("Not found", "Forbidden"), path
        assert page.execute_script(UNLABELLED) == [], path
        overflow = page.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.delete_all_cookies()
    sign_in(page, site, "operator", "", OPERATOR)
    assert page.execute_script(UNLABELLED) == []
    assert page.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 0
