"""The command line as an operator uses it, against a real database file."""

import json

import pytest
from click.testing import Result
from typer.testing import CliRunner

from duluan.cli import app

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("cli_database")


def _create_analyst() -> Result:
    args = "users create --username lc.analyst --password mat-khau-dai-du --role analyst --unit 15"
    return runner.invoke(app, args.split())


def test_create_a_user_over_lao_cai_and_list_it() -> None:
    result = _create_analyst()
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).output)
    assert listed == [
        {
            "username": "lc.analyst",
            "display_name": "",
            "active": True,
            "grants": [{"role": "analyst", "unit": "15"}],
        }
    ]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--role", "boss", "--unit", "15"], "Vai trò “boss” không hợp lệ"),
        (["--role", "analyst", "--unit", "99"], "Không tìm thấy đơn vị có mã “99”"),
    ],
)
def test_bad_arguments_give_one_line_and_non_zero(args: list[str], reason: str) -> None:
    result = runner.invoke(
        app, ["users", "create", "--username", "someone", "--password", "mat-khau-dai-du", *args]
    )
    assert result.exit_code == 2
    assert reason in result.output and len(result.output.strip().splitlines()) == 1


def test_ensure_admin_prints_the_password_once() -> None:
    first = runner.invoke(app, ["users", "ensure-admin"])
    assert first.exit_code == 0 and "admin" in first.output
    password = first.output.split("mật khẩu:")[1].split()[0]
    assert len(password) >= 16
    second = runner.invoke(app, ["users", "ensure-admin"])
    assert second.exit_code == 0 and password not in second.output


def test_disable_and_enable() -> None:
    _create_analyst()
    assert runner.invoke(app, ["users", "disable", "lc.analyst"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["users", "list", "--json"]).output)[0]["active"] is False
    assert runner.invoke(app, ["users", "disable", "nobody"]).exit_code == 2


def test_units_list_shows_the_34_provinces_and_add_a_board() -> None:
    provinces = json.loads(runner.invoke(app, ["units", "list", "--json"]).output)
    assert (
        len(provinces) == 34 and {"code": "15", "name": "Lào Cai", "kind": "province"} in provinces
    )
    added = runner.invoke(
        app,
        [
            "units",
            "add",
            "--parent",
            "15",
            "--code",
            "15-LDLD",
            "--name",
            "Liên đoàn Lao động tỉnh Lào Cai",
            "--kind",
            "labour_federation",
        ],
    )
    assert added.exit_code == 0, added.output
    children = json.loads(runner.invoke(app, ["units", "list", "--parent", "15", "--json"]).output)
    assert {
        "code": "15-LDLD",
        "name": "Liên đoàn Lao động tỉnh Lào Cai",
        "kind": "labour_federation",
    } in children


def test_help_is_plain_language() -> None:
    result = runner.invoke(app, ["users", "create", "--help"])
    assert result.exit_code == 0 and "Lào Cai" in result.output


def test_missing_option_ends_in_one_error_line() -> None:
    result = runner.invoke(app, ["users", "create", "--username", "someone"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == "Error: Missing option '--password'."
