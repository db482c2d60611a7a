"""A labelled corpus for measuring the automatic audit (自动审核的评测语料).

Written by hand from the forms described in ``shared/DOMAIN.md``, not from the sample data:
clean reports of six departments that vary in number formats, units, qualitative and date
indicators, per-unit costs, ceilings, rounding and weight splits; and defective reports, each
one of the clean reports with a single seeded defect and the findings it must produce.

``audit_eval.py`` runs the audit on it and prints precision and recall.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

DEPARTMENTS = {
    "jiaoyu-ju": "示例区教育局",
    "weijian-ju": "示例区卫生健康局",
    "minzheng-ju": "示例区民政局",
    "sifa-ju": "示例区司法局",
    "nongye-ju": "示例区农业农村局",
    "jiaotong-ju": "示例区交通运输局",
}


def ind(
    level2: str,
    name: str,
    nature: str | None,
    target: str,
    actual: str,
    weight: int | str | None = None,
    score: int | str | None = None,
    unit: str | None = None,
    level1: str | None = None,
) -> dict[str, Any]:
    """One indicator row; 一级 follows from 二级 as on the national form."""
    if level1 is None:
        level1 = (
            "满意度指标"
            if "满意" in level2
            else "效益指标"
            if level2 in ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
            else "产出指标"
        )
    row: dict[str, Any] = {"level1": level1, "level2": level2, "name": name, "target": target}
    for key, value in (
        ("nature", nature),
        ("unit", unit),
        ("actual", actual),
        ("weight", weight),
        ("score", score),
    ):
        if value is not None:
            row[key] = value
    return row


def report(
    name: str,
    budget: list[dict[str, Any]],
    texts: tuple[str, str, str],
    indicators: list[dict[str, Any]],
    conclusion: str,
    problems: str = "部分工作台账归档不够及时。",
    suggestions: str = "按月整理台账，年底前完成归档。",
    **evaluation: Any,
) -> dict[str, Any]:
    basic, content, effect = texts
    return {
        "name": name,
        "budget": budget,
        "overview": {"basic_info": [basic], "content": content, "expected_effect": effect},
        "performance": {"indicators": indicators},
        "evaluation": {
            "conclusion": conclusion,
            "problems": problems,
            "suggestions": suggestions,
            **evaluation,
        },
    }


def year(y: int, initial: int, executed: int, **more: Any) -> dict[str, Any]:
    return {"year": y, "initial": initial, "executed": executed, **more}


@dataclass
class Case:
    """One report of the corpus: where it goes and the findings (check names) it must give."""

    key: str
    department: str
    report: dict[str, Any]
    expected: list[str] = field(default_factory=list)
    year: int = 2023
    # Other reports evaluated together with this one (for the copy check).
    companions: list[Case] = field(default_factory=list)


# --- clean reports -------------------------------------------------------------------------
# Weights: budget execution 10 (unless the report gives its own) and indicators 90.

CLEAN: list[Case] = [
    Case(
        "c01-xuesheng-zizhu",
        "jiaoyu-ju",
        report(
            "家庭经济困难学生资助",
            [year(2022, 76000, 76000), year(2023, 80000, 79800)],
            (
                "为全区家庭经济困难的中小学生发放生活补助，每学期按学籍核定一次。",
                "学校初审、教育局复核后，由代发银行直接发放到学生家长账户。",
                "困难学生不因经济原因失学，资助对象家长的知晓率明显提高。",
            ),
            [
                ind("数量指标", "资助学生人数", "≥", "≥320人", "326人", 30, 30),
                ind("成本指标", "资助资金总额", "≤", "8万元", "79800元", 20, 20),
                ind("社会效益指标", "因贫失学人数", "=", "0", "0", 30, 30),
                ind("服务对象满意度", "家长满意度", "≥", "90%", "95%", 10, 10),
            ],
            "项目按计划完成，资金足额发放到位。",
            execution_score="9.98",
            total_score="99.98",
            grade="优",
        ),
    ),
    Case(
        "c02-jiaoshi-peixun",
        "jiaoyu-ju",
        report(
            "乡村教师专题培训",
            [year(2022, 48000, 47500), year(2023, 50000, 48000)],
            (
                "组织乡村学校教师参加学科教学专题培训，每场培训半天。",
                "邀请市级学科带头人授课，分语文、数学、英语三个专题开展。",
                "乡村教师课堂教学能力提升，培训内容在课堂中得到运用。",
            ),
            [
                ind("数量指标", "培训场次", "≥", "18场", "20场", 30, 30),
                ind("成本指标", "每场培训成本", "≤", "2500元/场", "2400元/场", 20, 20),
                ind("质量指标", "参训教师考核合格率", "≥", "95％", "97.5%", 20, 20),
                ind("服务对象满意度", "参训教师满意度", "≥", "90%", "94%", 20, 20),
            ],
            "全年完成培训20场，每场成本控制在2500元以内。",
            execution_score="9.6",
            total_score="99.6",
        ),
    ),
    Case(
        "c03-xiaoyuan-anfang",
        "jiaoyu-ju",
        report(
            "校园安防设施维护",
            [year(2022, 100000, 98000), year(2023, 100000, 96300, stated_rate="96%")],
            (
                "对全区中小学的监控、门禁和一键报警设备进行年度维护。",
                "通过政府采购确定维保单位，按季度巡检并建立维修台账。",
                "校园安防设备完好率保持较高水平，未发生因设备故障导致的安全事件。",
            ),
            [
                ind("成本指标", "维护费用", "≤", "≤100000", "96300", 20, 20, unit="元"),
                ind("质量指标", "设备完好率", "≥", "98%", "99%", 30, 30),
                ind("时效指标", "故障修复时间", "≤", "≤5个工作日", "3个工作日", 20, 20),
                ind("社会效益指标", "因设备故障导致的安全事件", "=", "0起", "0起", 20, 20),
            ],
            "项目支出控制在100000元以内，设备运行正常。",
            execution_score="9.63",
        ),
    ),
    Case(
        "c04-xuexiao-xiushan",
        "jiaoyu-ju",
        report(
            "薄弱学校校舍修缮",
            [
                year(2022, 300000, 300000),
                year(2023, 360000, 352000, stated_change="较上年增长17.3%"),
            ],
            (
                "对两所农村小学的屋面和外墙进行防水修缮，消除雨季渗漏隐患。",
                "委托具备资质的施工单位实施，监理单位全程旁站。",
                "两所学校教室渗漏问题彻底解决，师生在安全的校舍中学习。",
            ),
            [
                ind("数量指标", "修缮学校数", "=", "2所", "2所", 30, 30),
                ind("时效指标", "完工时间", "定性", "2023年8月31日前完成", "2023年8月完成", 20, 20),
                ind("质量指标", "竣工验收合格率", "=", "100%", "100%", 20, 20),
                ind("服务对象满意度", "师生满意度", "≥", "90%", "92%", 20, 20),
            ],
            "修缮工程于暑假期间完工并通过验收。",
        ),
    ),
    Case(
        "c05-jiankang-tijian",
        "weijian-ju",
        report(
            "老年人免费健康体检",
            [year(2022, 450000, 450000), year(2023, 500000, 500000)],
            (
                "为辖区65岁以上常住老年人提供一次免费健康体检并建立健康档案。",
                "由各社区卫生服务中心组织实施，体检结果录入居民健康档案系统。",
                "老年人慢性病早发现早干预，健康管理率稳步提高。",
            ),
            [
                ind("数量指标", "体检人数", "≥", "5000人", "5230人", 50, 50),
                ind("社会效益指标", "老年人健康管理率", "≥", "70%", "72%", 30, 30),
                ind("服务对象满意度", "体检对象满意度", "≥", "90%", "96%", 10, 10),
            ],
            "项目全面完成年度目标。",
            total_score=100,
            grade="优",
        ),
    ),
    Case(
        "c06-yimiao-lengliian",
        "weijian-ju",
        report(
            "疫苗冷链设备更新",
            [year(2023, 200000, 198000)],
            (
                "更换使用超过十年的疫苗冷藏柜，并为冷链加装温度监测探头。",
                "按国家冷链设备配置标准采购，安装后由疾控中心验收。",
                "疫苗储存温度全程可追溯，冷链断链风险明显降低。",
            ),
            [
                ind("数量指标", "更新冷藏柜数量", "=", "6台", "6台", 30, 30),
                ind("质量指标", "温度监测覆盖率", "=", "100%", "100%", 30, 30),
                ind("时效指标", "设备安装完成时间", "定性", "2023年6月底前", "2023年6月", 30, 30),
            ],
            "设备按期安装并投入使用。",
        ),
    ),
    Case(
        "c07-jiating-yisheng",
        "weijian-ju",
        report(
            "家庭医生签约服务",
            [year(2022, 250000, 250000), year(2023, 250000, 250000, stated_change="与上年持平")],
            (
                "为签约居民提供基本医疗、公共卫生和健康管理服务，按签约人数拨付补助。",
                "家庭医生团队每季度随访重点人群，服务记录纳入绩效考核。",
                "重点人群签约服务覆盖率提高，居民就医更加便利。",
            ),
            [
                ind("数量指标", "重点人群签约人数", "≥", "1.2万人", "12500人", 40, 40),
                ind("质量指标", "随访完成率", "≥", "不低于90%", "93%", 20, 20),
                ind("服务对象满意度", "签约居民满意度", "≥", "85%以上", "91%", 20, 20),
            ],
            "签约服务按计划开展。",
            execution_weight=20,
            execution_score=20,
            total_score=100,
        ),
    ),
    Case(
        "c08-tuixiu-buzhu",
        "minzheng-ju",
        report(
            "高龄老人津贴",
            [
                year(2022, 100000, 100000),
                year(2023, 120000, 120000, stated_change="较上年增长２０％"),
            ],
            (
                "向辖区80周岁以上老人按月发放高龄津贴，标准按年龄段分档。",
                "社区每月核对领取人员生存状态，发放名单经公示后报民政局审核。",
                "高龄老人基本生活得到保障，津贴发放零差错。",
            ),
            [
                ind("数量指标", "领取津贴人数", "≥", "≥400", "412", 30, 30, unit="人"),
                ind("质量指标", "发放准确率", "=", "100%", "100%", 30, 30),
                ind("时效指标", "按月发放", "定性", "按月发放", "已按月足额发放", 20, 20),
                ind("服务对象满意度", "老人满意度", "≥", "90%", "97%", 10, 10),
            ],
            "津贴按月足额发放。",
        ),
    ),
    Case(
        "c09-shequ-yanglao",
        "minzheng-ju",
        report(
            "社区养老服务站运营补贴",
            [
                year(2022, 200000, 200000),
                year(2023, 190000, 190000, stated_change="较上年下降了5%"),
            ],
            (
                "对运营满一年的社区养老服务站给予运营补贴，按服务人次核定。",
                "第三方机构对服务站服务质量开展年度评估，评估结果与补贴挂钩。",
                "社区居家老人就近获得助餐、助洁服务，服务站持续运营。",
            ),
            [
                ind("数量指标", "服务人次", "≥", "8000人次", "8650人次", 40, 40),
                ind("质量指标", "服务站评估合格数", "=", "5个", "5个", 30, 30),
                ind("服务对象满意度", "老人满意度", "≥", "90%", "92.5%", 20, 20),
            ],
            "补贴按评估结果拨付。",
        ),
    ),
    Case(
        "c10-linshi-jiuzhu",
        "minzheng-ju",
        report(
            "临时救助",
            [year(2022, 100000, 100000), year(2023, 300000, 300000, stated_change="增长2倍")],
            (
                "对遭遇突发事件导致基本生活陷入困境的家庭给予临时救助。",
                "实行小额先行救助，急难情形由街道直接审批后报备。",
                "困难群众急难问题得到及时解决，兜底保障作用有效发挥。",
            ),
            [
                ind("数量指标", "救助人次", "≥", "300人次", "318人次", 30, 30),
                ind("时效指标", "急难救助办结时限", "≤", "3天", "2天", 30, 30),
                ind("社会效益指标", "因困致贫返贫事件", "定性", "无", "无", 30, 30),
            ],
            "全年救助资金使用规范。",
        ),
    ),
    Case(
        "c11-binzang-gaige",
        "minzheng-ju",
        report(
            "惠民殡葬补助",
            [year(2022, 66000, 66000), year(2023, 66000, 66000)],
            (
                "对辖区户籍居民的基本殡葬服务费用给予减免补助。",
                "殡仪馆按减免标准直接结算，民政局按季度与殡仪馆对账。",
                "群众殡葬负担减轻，节地生态安葬比例上升。",
            ),
            [
                ind("数量指标", "补助人数", "≥", "110人", "118人", 40, 40),
                ind("成本指标", "人均补助标准", "=", "600元/人", "600元/人", 20, 20),
                ind("服务对象满意度", "群众满意度", "≥", "90%", "95%", 30, 30),
            ],
            "补助标准执行到位。建议下年预算控制在6万元以内，按实际死亡人数据实申报。",
            recommended_budget=60000,
        ),
    ),
    Case(
        "c12-falv-yuanzhu",
        "sifa-ju",
        report(
            "法律援助案件补贴",
            [year(2022, 150000, 150000), year(2023, 150000, 142000, execution_reason=None)],
            (
                "按件向承办法律援助案件的律师发放办案补贴。",
                "法律援助中心指派案件，结案后审查卷宗并按标准核发补贴。",
                "经济困难群众的合法权益得到法律保障。",
            ),
            [
                ind("数量指标", "办结案件数", "≥", "12", "12件", 40, 40, unit="件"),
                ind("质量指标", "案件质量评查合格率", "≥", "≥95％", "96.5%", 30, 30),
                ind("服务对象满意度", "受援人满意度", "≥", "90%", "93%", 20, 20),
            ],
            "案件补贴按结案情况发放，项目完成年度目标。",
        ),
    ),
    Case(
        "c13-renmin-tiaojie",
        "sifa-ju",
        report(
            "人民调解员以案定补",
            [
                year(2022, 80000, 80000),
                year(
                    2023,
                    80000,
                    74000,
                    execution_reason="下半年调解案件数量少于预期，按件补贴相应减少。",
                ),
            ],
            (
                "对调解成功并制作调解协议书的人民调解员按件给予补贴。",
                "街道司法所初审调解卷宗，区司法局每季度抽查复核后拨付。",
                "矛盾纠纷就地化解，调解协议履行率保持高位。",
            ),
            [
                ind("数量指标", "调解成功案件数", "≥", "400件", "370件", 40, "37"),
                ind("质量指标", "调解协议履行率", "≥", "95%", "98%", 30, 30),
                ind("服务对象满意度", "当事人满意度", "≥", "90%", "91%", 20, 20),
            ],
            "补贴按件核发，执行率92.5%，原因已说明。",
        ),
    ),
    Case(
        "c14-shequ-jiaozheng",
        "sifa-ju",
        report(
            "社区矫正教育帮扶",
            [year(2022, 60000, 60000), year(2023, 60000, 60000)],
            (
                "为社区矫正对象开展集中教育和心理辅导，并帮助其就业。",
                "与心理咨询机构签订服务协议，每季度开展一次集中教育。",
                "矫正对象再犯罪率保持低位，顺利融入社会。",
            ),
            [
                ind("数量指标", "集中教育次数", "=", "4次", "4次", 30, 30),
                ind("质量指标", "矫正期内再犯罪率", "≤", "0.5%", "0.2%", 30, 30),
                ind(
                    "时效指标", "心理评估完成", "定性", "2023年12月31日前完成", "已按时完成", 10, 9
                ),
                ind("社会效益指标", "帮扶就业人数", "≥", "10人", "11人", 20, 20),
            ],
            "教育帮扶工作按计划推进。",
        ),
    ),
    Case(
        "c15-pufa-xuanchuan",
        "sifa-ju",
        report(
            "普法宣传进社区",
            [year(2022, 40000, 40000), year(2023, 45000, 45000, stated_change="较上年增长12.5%")],
            (
                "在社区和学校开展宪法、民法典主题宣传活动，发放宣传资料。",
                "联合街道和学校制定年度普法计划，按月组织主题活动。",
                "居民法治意识增强，知法守法的氛围更加浓厚。",
            ),
            [
                ind("数量指标", "宣传活动场次", "≥", "24场", "26场", 30, 30),
                ind("数量指标", "发放宣传资料", "≥", "5000份", "5,600份", 20, 20),
                ind("社会效益指标", "居民法律知识知晓率", "≥", "80%", "85%", 30, 30),
                ind("服务对象满意度", "居民满意度", "定性", "满意", "非常满意", 10, 10),
            ],
            "普法活动覆盖全部社区。",
        ),
    ),
    Case(
        "c16-gengdi-baohu",
        "nongye-ju",
        report(
            "耕地地力保护补贴",
            [year(2022, 1200000, 1200000), year(2023, 1260000, 1260000, stated_change="增幅5%")],
            (
                "向承包耕地的农户按实际种植面积发放耕地地力保护补贴。",
                "村组公示种植面积，乡镇核实后通过一卡通直接发放。",
                "耕地撂荒减少，农户种粮积极性提高。",
            ),
            [
                ind("数量指标", "补贴面积", "≥", "1.2万亩", "12600亩", 40, 40),
                ind("质量指标", "补贴发放准确率", "=", "100%", "100%", 30, 30),
                ind("时效指标", "补贴发放时间", "定性", "2023年6月30日前", "2023年6月20日", 20, 20),
            ],
            "补贴资金全部发放到户。",
        ),
    ),
    Case(
        "c17-dongwu-fangyi",
        "nongye-ju",
        report(
            "重大动物疫病防控",
            [year(2022, 180000, 176000), year(2023, 180000, 175000, reduction=5000)],
            (
                "为规模养殖场和散养户的生猪、牛羊实施强制免疫并开展疫情监测。",
                "村级防疫员入户免疫，畜牧站每季度抽样检测免疫抗体。",
                "辖区未发生区域性重大动物疫情，养殖业稳定发展。",
            ),
            [
                ind("数量指标", "强制免疫畜禽数量", "≥", "3万头只", "31200头只", 30, 30),
                ind("质量指标", "免疫抗体合格率", "≥", "70%", "82%", 30, 30),
                ind("社会效益指标", "区域性重大动物疫情", "定性", "不发生", "未发生", 30, 30),
            ],
            "年中调减预算5000元后，全年执行率100%。",
        ),
    ),
    Case(
        "c18-nongji-gouzhi",
        "nongye-ju",
        report(
            "农机购置补贴",
            [
                year(
                    2023,
                    500000,
                    480000,
                    supplementary=0,
                    sources=[
                        {
                            "source": "财政资金",
                            "initial": 400000,
                            "adjusted": 400000,
                            "executed": 390000,
                        },
                        {
                            "source": "其他资金",
                            "initial": 100000,
                            "adjusted": 100000,
                            "executed": 90000,
                        },
                    ],
                )
            ],
            (
                "对购置列入补贴目录农机具的农户和合作社给予定额补贴。",
                "购机者在补贴系统申请，乡镇核验机具后由农业农村局审核兑付。",
                "主要农作物耕种收综合机械化水平提高。",
            ),
            [
                ind("数量指标", "补贴机具数量", "≥", "60台（套）", "64台（套）", 40, 40),
                ind("时效指标", "补贴兑付时限", "≤", "30天", "25天", 20, 20),
                ind("服务对象满意度", "购机户满意度", "≥", "90%", "95%", 30, 30),
            ],
            "补贴资金按申请顺序兑付，执行率96%。",
        ),
    ),
    Case(
        "c19-nongcun-gonglu",
        "jiaotong-ju",
        report(
            "农村公路日常养护",
            [year(2022, 800000, 800000), year(2023, 800000, 800000)],
            (
                "对辖区120公里农村公路开展路面保洁、坑槽修补和边沟清理。",
                "按路段划分养护责任，养护站每月检查并公布考核结果。",
                "农村公路优良中等路率保持稳定，群众出行安全便捷。",
            ),
            [
                ind("数量指标", "养护里程", "=", "120公里", "120公里", 30, 30),
                ind("质量指标", "优良中等路率", "≥", "80%", "83%", 30, 30),
                ind("成本指标", "每公里养护成本", "≤", "6667元/公里", "6667元/公里", 10, 10),
                ind("服务对象满意度", "沿线群众满意度", "定性", "满意", "较满意", 20, 15),
            ],
            "养护工作按月考核。",
        ),
    ),
    Case(
        "c20-gongjiao-butie",
        "jiaotong-ju",
        report(
            "城乡公交运营补贴",
            [
                year(2022, 1000000, 1000000),
                year(2023, 1100000, 1100000, stated_change="较上年增加10%"),
            ],
            (
                "对开行城乡公交线路的企业按运营里程给予补贴，保障偏远村组通公交。",
                "交通运输局按季度核定线路运营里程，审计后拨付补贴。",
                "偏远村组群众出行有保障，城乡公交线路稳定运营。",
            ),
            [
                ind("数量指标", "城乡公交线路数", "≥", "8条", "8条", 30, 30),
                ind("质量指标", "班次准点率", "≥", "95%", "96%", 30, 30),
                ind("服务对象满意度", "乘客满意度", "≥", "85%", "88%", 30, 30),
            ],
            "补贴按运营里程核定。",
        ),
    ),
    Case(
        "c21-qiaoliang-jiance",
        "jiaotong-ju",
        report(
            "农村公路桥梁定期检测",
            [year(2023, 90000, 90000)],
            (
                "委托检测机构对辖区14座农村公路桥梁开展定期检测并评定技术状况。",
                "检测机构出具单桥检测报告，发现的病害列入次年维修计划。",
                "桥梁病害及时发现，危桥不带病运行。",
            ),
            [
                ind("数量指标", "检测桥梁数", "=", "14座", "14座", 40, 40),
                ind("成本指标", "检测费用", "≤", "9万元", "90000元", 20, 20),
                ind(
                    "时效指标",
                    "检测报告提交时间",
                    "定性",
                    "2023年10月31日前",
                    "2023年9月28日",
                    30,
                    30,
                ),
            ],
            "检测工作按期完成，费用控制在9万元以内。",
        ),
    ),
    Case(
        "c22-chuzu-guanli",
        "jiaotong-ju",
        report(
            "道路运输安全监管",
            [year(2022, 70000, 69000), year(2023, 70000, 64400)],
            (
                "对辖区客运站和危险货物运输企业开展安全检查和隐患整改督办。",
                "每季度开展联合检查，隐患实行清单化管理和限期整改。",
                "道路运输领域不发生较大以上安全事故。",
            ),
            [
                ind("数量指标", "检查企业次数", "≥", "40次", "44次", 30, 30),
                ind("质量指标", "隐患整改率", "=", "100%", "100%", 30, 30),
                ind("社会效益指标", "较大以上安全事故", "定性", "无", "无较大以上安全事故", 30, 30),
            ],
            "全年执行率92%，检查经费按实际检查次数列支。",
        ),
    ),
    Case(
        "c23-youer-butie",
        "jiaoyu-ju",
        report(
            "普惠性幼儿园生均补助",
            [
                year(2022, 240000, 240000),
                year(2023, 240000, 240000, stated_adjusted=240000, stated_rate="100%"),
            ],
            (
                "按在园幼儿人数向认定的普惠性民办幼儿园拨付生均公用经费补助。",
                "每学期核定在园人数，幼儿园提交经费使用计划后拨付。",
                "普惠性学前教育资源覆盖率提高，家庭保教费用负担减轻。",
            ),
            [
                ind("数量指标", "补助幼儿人数", "≥", "400人", "400人", 30, 30),
                ind("成本指标", "生均补助标准", "=", "600元/生", "600元/生", 20, 20),
                ind("社会效益指标", "普惠性幼儿园覆盖率", "≥", "85%", "86%", 30, 30),
                ind("服务对象满意度", "家长满意度", "≥", "90%", "93%", 10, 10),
            ],
            "补助资金全部按人数拨付。",
        ),
    ),
    Case(
        "c24-jingshen-weisheng",
        "weijian-ju",
        report(
            "严重精神障碍患者管理",
            [year(2022, 120000, 118000), year(2023, 120000, 117600, stated_rate="98.0%")],
            (
                "对在册严重精神障碍患者开展随访管理和免费服药补助。",
                "社区精防医生每季度随访，患者服药情况录入管理系统。",
                "患者病情稳定，肇事肇祸事件得到有效防范。",
            ),
            [
                ind("数量指标", "在册患者规范管理人数", "≥", "150人", "152人", 30, 30),
                ind("质量指标", "规范管理率", "≥", "85%", "88%", 30, 30),
                ind("社会效益指标", "肇事肇祸案件", "定性", "无", "未发生", 30, 30),
            ],
            "随访管理工作扎实。",
        ),
    ),
    Case(
        "c25-canji-kangfu",
        "minzheng-ju",
        report(
            "困难残疾人生活补贴",
            [
                year(2022, 360000, 360000),
                year(
                    2023,
                    378000,
                    378000,
                    stated_change="较上年增长5%",
                    change_reason="补贴标准由每人每月100元提高到105元。",
                ),
            ],
            (
                "向低保家庭中的残疾人按月发放生活补贴。",
                "残联与民政数据比对核实补贴对象，按月社会化发放。",
                "困难残疾人基本生活得到保障。",
            ),
            [
                ind("数量指标", "补贴人数", "≥", "300", "300", 30, 30, unit="人"),
                ind("时效指标", "发放及时率", "=", "100%", "100%", 30, 30),
                ind("服务对象满意度", "补贴对象满意度", "≥", "90%", "95%", 30, 30),
            ],
            "补贴按月发放。",
        ),
    ),
    Case(
        "c26-shidi-baohu",
        "nongye-ju",
        report(
            "高标准农田建后管护",
            [year(2022, 150000, 150000), year(2023, 150000, 150000)],
            (
                "对已建成的高标准农田灌排设施开展巡查维修。",
                "村集体落实管护人员，乡镇每半年验收一次管护成效。",
                "农田灌排设施完好，粮食生产能力稳定。",
            ),
            [
                ind("数量指标", "管护面积", "≥", "5000亩", "5000亩", 40, 40),
                ind("质量指标", "设施完好率", "≥", "90%", "91%", 30, 30),
                ind("可持续影响指标", "管护制度建立", "定性", "建立管护长效机制", "已建立", 20, 18),
            ],
            "管护工作正常开展。",
        ),
    ),
    Case(
        "c27-weisheng-jiandu",
        "weijian-ju",
        report(
            "公共场所卫生监督抽检",
            [year(2022, 50000, 50000), year(2023, 50000, 50000)],
            (
                "对住宿、沐浴、美容美发等公共场所开展卫生监督和微小气候抽检。",
                "制定年度抽检计划，抽检结果向社会公布。",
                "公共场所卫生状况改善，不合格场所按时整改。",
            ),
            [
                ind("数量指标", "抽检场所数", "≥", "120家", "108家", 40, 36),
                ind("质量指标", "不合格场所整改率", "=", "100%", "100%", 30, 30),
                ind("时效指标", "抽检完成时间", "定性", "按计划完成", "基本完成", 20, 14),
            ],
            "抽检工作基本完成，部分场所因停业未抽检。",
        ),
    ),
    Case(
        "c28-xueqian-jiaoyu",
        "jiaoyu-ju",
        report(
            "学生营养改善计划",
            [year(2022, 900000, 900000), year(2023, 900000, 900000)],
            (
                "为农村义务教育学生提供营养膳食补助，每生每天补助一餐。",
                "学校食堂供餐，教育局每月核对就餐人数和食材采购台账。",
                "农村学生营养状况改善，体质健康达标率提高。",
            ),
            [
                ind("数量指标", "受益学生人数", "≥", "1,200人", "1,250人", 30, 30),
                ind("质量指标", "食品安全事故", "=", "0起", "0起", 30, 30),
                ind("社会效益指标", "学生体质健康达标率", "≥", "92%", "93%", 20, 20),
                ind("服务对象满意度", "家长满意度", "≥", "90%", "95%", 10, 10),
            ],
            "营养餐供应全年未间断。",
        ),
    ),
    Case(
        "c29-jiuye-peixun",
        "minzheng-ju",
        report(
            "低保对象就业技能培训",
            [year(2023, 30000, 28500)],
            (
                "组织有劳动能力的低保对象参加家政、电商等技能培训。",
                "委托职业培训学校开班，结业后推荐就业岗位。",
                "低保对象就业增收，逐步退出低保。",
            ),
            [
                ind("数量指标", "培训人数", "≥", "60名", "62人", 40, 40),
                ind("社会效益指标", "培训后就业人数", "≥", "20人", "23人", 30, 30),
                ind("服务对象满意度", "学员满意度", "≥", "90%", "94%", 20, 20),
            ],
            "培训按计划开班，执行率95%。",
        ),
    ),
    Case(
        "c30-xiaoche-anquan",
        "jiaotong-ju",
        report(
            "校车安全运营补贴",
            [
                year(2022, 200000, 200000),
                year(2023, 210000, 210000, stated_change="较上年增长5.0%"),
            ],
            (
                "对承担农村学生接送任务的校车运营单位给予安全运营补贴。",
                "交通、教育、公安联合审核校车线路和驾驶员资质。",
                "农村学生上下学安全有保障，校车零事故。",
            ),
            [
                ind("数量指标", "运营校车数量", "=", "12辆", "12辆", 30, 30),
                ind("质量指标", "校车安全事故", "=", "0", "0", 30, 30),
                ind("服务对象满意度", "学生家长满意度", "≥", "90%", "96%", 30, 30),
            ],
            "校车全年安全运营。",
        ),
    ),
    Case(
        "c31-2024-xuesheng-zizhu",
        "jiaoyu-ju",
        report(
            "家庭经济困难学生资助",
            [year(2023, 80000, 79800), year(2024, 90000, 88200, stated_change="较上年增长10.5%")],
            (
                "2024年资助范围扩大到学前教育阶段的困难幼儿，每学期核定一次。",
                "幼儿园和中小学分别初审，教育局统一复核后发放。",
                "学前教育阶段的困难家庭也得到资助。",
            ),
            [
                ind("数量指标", "资助学生人数", "≥", "≥350人", "356人", 40, 40),
                ind("成本指标", "资助资金总额", "≤", "9万元", "88200元", 20, 20),
                ind("服务对象满意度", "家长满意度", "≥", "90%", "94%", 30, 30),
            ],
            "资助资金足额发放。",
        ),
        year=2024,
    ),
]


# Costs worded per unit, in several ways: never compared with the year's total; compared with
# 实际执行 ÷ the count done only where the report states that count (issue 23).
CLEAN += [
    Case(
        "c32-wenhua-huodong",
        "jiaoyu-ju",
        report(
            "校园文化艺术活动",
            [year(2022, 60000, 59000), year(2023, 64000, 58000)],
            (
                "在全区中小学轮流举办合唱、书画和戏曲进校园活动。",
                "每场活动由承办学校申报方案，教育局审核后拨付经费。",
                "学生参与艺术活动的机会增多，校园文化氛围更加浓厚。",
            ),
            [
                ind("数量指标", "举办活动场次", "≥", "≥18场", "20场", 30, 30),
                ind("成本指标", "单场活动成本", "≤", "3000元", "2900元", 20, 20),
                ind("质量指标", "活动方案审核通过率", "=", "100%", "100%", 20, 20),
                ind("服务对象满意度", "参与师生满意度", "≥", "90%", "93%", 20, 20),
            ],
            "全年举办活动20场，单场成本控制在3000元以内。",
        ),
    ),
    Case(
        "c33-shequ-peixun",
        "sifa-ju",
        report(
            "人民调解员业务培训",
            [year(2022, 88000, 86000), year(2023, 96000, 90000)],
            (
                "对全区村（社区）人民调解员开展集中业务培训。",
                "分三期举办，每期两天，课程包括调解技巧和法律知识。",
                "调解员依法调解能力提高，矛盾纠纷就地化解率上升。",
            ),
            [
                ind("数量指标", "培训调解员人数", "≥", "≥110人", "120名", 30, 30),
                ind("成本指标", "人均培训费用", "≤", "800", "750", 20, 20, unit="元"),
                ind("质量指标", "培训考试合格率", "≥", "95%", "98%", 20, 20),
                ind("服务对象满意度", "参训人员满意度", "≥", "90%", "96%", 20, 20),
            ],
            "培训按计划完成，人均费用未超出标准。",
        ),
    ),
    Case(
        "c34-kunnan-hu-buzhu",
        "minzheng-ju",
        report(
            "困难残疾人家庭生活补助",
            [year(2022, 150000, 148500), year(2023, 150000, 147000)],
            (
                "对持证困难残疾人家庭按户发放年度生活补助。",
                "街道受理申请，民政局审核后按季度发放。",
                "困难残疾人家庭基本生活得到保障。",
            ),
            [
                ind("数量指标", "补助家庭户数", "≥", "≥95户", "98户", 30, 30),
                ind("成本指标", "户均补助标准", "=", "1500元", "1500元", 20, 20),
                ind("时效指标", "补助按季度发放", "定性", "按季度发放", "按季度发放", 20, 20),
                ind("服务对象满意度", "受助家庭满意度", "≥", "90%", "95%", 20, 20),
            ],
            "补助按标准足额发放。",
        ),
    ),
    Case(
        "c35-ludeng-weixiu",
        "jiaotong-ju",
        report(
            "城区路灯维修",
            [year(2022, 65000, 64000), year(2023, 65000, 60000)],
            (
                "对城区主次干道路灯进行故障维修和灯具更换。",
                "实行报修登记，维修单位接单后限时处理。",
                "路灯亮灯率保持在较高水平，夜间出行更安全。",
            ),
            [
                ind("数量指标", "维修路灯次数", "≥", "≥140次", "150次", 30, 30),
                ind("成本指标", "平均每次维修成本", "≤", "不超过500元", "400元", 20, 20),
                ind("质量指标", "路灯亮灯率", "≥", "98%", "99%", 20, 20),
                ind("服务对象满意度", "市民满意度", "≥", "85%", "90%", 20, 20),
            ],
            "维修及时，平均每次成本控制在500元以内。",
        ),
    ),
    Case(
        "c36-yimiao-caigou",
        "weijian-ju",
        report(
            "犬用狂犬病疫苗采购",
            [year(2022, 48000, 47000), year(2023, 50000, 48000)],
            (
                "为全区登记犬只免费提供狂犬病疫苗注射。",
                "疫苗通过政府采购取得，由定点动物诊疗机构注射。",
                "登记犬只免疫密度提高，狂犬病风险得到控制。",
            ),
            [
                ind("数量指标", "采购疫苗剂数", "≥", "≥1000剂", "1200剂", 30, 30),
                ind("成本指标", "疫苗采购单价", "≤", "≤45元", "40元", 20, 20),
                ind("质量指标", "疫苗质量合格率", "=", "100%", "100%", 20, 20),
                ind("服务对象满意度", "养犬户满意度", "≥", "90%", "92%", 20, 20),
            ],
            "疫苗采购和注射按计划完成。",
        ),
    ),
    Case(
        "c37-xiju-yanchu",
        "nongye-ju",
        report(
            "送戏下乡演出",
            [year(2022, 60000, 58000), year(2023, 60000, 55000)],
            (
                "组织专业剧团到各村开展戏曲演出。",
                "演出场次和地点由各镇根据群众需求确定。",
                "农村群众的文化生活更加丰富。",
            ),
            [
                ind("数量指标", "演出场次", "≥", "≥12场", "12场", 30, 30),
                ind("成本指标", "每场演出成本", "≤", "控制在5000元以内", "4583元", 20, 20),
                ind("质量指标", "演出安全事故", "=", "0起", "0起", 20, 20),
                ind("服务对象满意度", "观众满意度", "≥", "90%", "94%", 20, 20),
            ],
            "全年演出12场，每场演出成本控制在5000元以内。",
        ),
    ),
]


# --- defective reports ---------------------------------------------------------------------


def _clean(key: str) -> Case:
    return next(c for c in CLEAN if c.key.startswith(key))


def seeded(
    key: str, base: str, expected: list[str], change: Any, companions: list[Case] | None = None
) -> Case:
    """A clean report with one defect: ``change`` edits a deep copy of the report."""
    source = _clean(base)
    data = copy.deepcopy(source.report)
    change(data)
    return Case(key, source.department, data, expected, source.year, companions or [])


def _set(path: str, value: Any) -> Any:
    """An edit that sets one field, addressed like ``budget.1.stated_change``."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return edit


def _edits(*edits: Any) -> Any:
    def edit(data: dict[str, Any]) -> None:
        for one in edits:
            one(data)

    return edit


def _drop(path: str) -> Any:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return edit


def _copy_of(base: str, name: str, text: str) -> Case:
    """Another project of the base's department that reuses ``text`` as its 基本情况."""
    source = _clean(base)
    data = copy.deepcopy(source.report)
    data["name"] = name
    data["overview"] = {
        "basic_info": [text],
        "content": f"{name}由专人负责，按季度报送进度。",
        "expected_effect": f"{name}的服务对象得到及时保障。",
    }
    return Case(
        f"{source.key}-{name}", source.department, data, ["文字与其他项目雷同"], source.year
    )


_GUARDS = "保障本年度内两名安保人员的经费，确保机关办公区域安全，完成全年安保值守工作。"

DEFECTIVE: list[Case] = [
    seeded(
        "d01-change-wrong",
        "c08",
        ["变化率与金额不符"],
        _set("budget.1.stated_change", "较上年增长66%"),
    ),
    seeded(
        "d02-change-fullwidth",
        "c20",
        ["变化率与金额不符"],
        _set("budget.1.stated_change", "较上年增长66％"),
    ),
    seeded(
        "d03-change-le",
        "c15",
        ["变化率与金额不符"],
        _set("budget.1.stated_change", "较上年增长了66%"),
    ),
    seeded("d04-change-fu", "c16", ["变化率与金额不符"], _set("budget.1.stated_change", "增幅66%")),
    seeded(
        "d05-change-times", "c10", ["变化率与金额不符"], _set("budget.1.stated_change", "增长2.5倍")
    ),
    seeded(
        "d06-change-sign",
        "c25",
        ["变化率与金额不符"],
        _set("budget.1.stated_change", "较上年下降5%"),
    ),
    seeded(
        "d07-over-budget",
        "c20",
        ["实际执行超过全年预算"],
        _set("budget.1.executed", 1250000),
    ),
    seeded("d08-stated-rate", "c03", ["执行率与金额不符"], _set("budget.1.stated_rate", "100%")),
    seeded(
        "d09-stated-adjusted",
        "c23",
        ["合计不等于各项之和"],
        _set("budget.1.stated_adjusted", 250000),
    ),
    seeded(
        "d10-sources-sum",
        "c18",
        ["合计不等于各项之和"],
        _set("budget.0.sources.1.executed", 80000),
    ),
    seeded(
        "d11-conclusion-wan",
        "c30",
        ["结论中的预算与金额不符"],
        _set("evaluation.conclusion", "校车全年安全运营，预算控制在5万元以内。"),
    ),
    seeded(
        "d12-conclusion-yuan",
        "c19",
        ["结论中的预算与金额不符"],
        _set("evaluation.conclusion", "养护工作按月考核，支出控制在100000元以内。"),
    ),
    seeded(
        "d13-recommended",
        "c11",
        ["建议预算与结论不符"],
        _set("evaluation.conclusion", "补助标准执行到位，建议预算申报数7万元。"),
    ),
    seeded(
        "d14-cost-equal",
        "c21",
        ["成本指标与执行数不符"],
        _edits(
            _set("performance.indicators.1.nature", "="),
            _set("performance.indicators.1.target", "80000元"),
            _set("performance.indicators.1.actual", "80000元"),
        ),
    ),
    seeded(
        "d15-cost-ceiling",
        "c01",
        ["成本指标与执行数不符", "实际执行超过全年预算"],
        _set("budget.1.executed", 95000),
    ),
    seeded(
        "d16-low-execution", "c20", ["执行率低于90%未说明原因"], _set("budget.1.executed", 900000)
    ),
    seeded(
        "d17-no-indicators",
        "c09",
        ["缺少绩效指标"],
        _set("performance.indicators", []),
    ),
    seeded("d18-blank-actual", "c05", ["完成值未填写"], _drop("performance.indicators.0.actual")),
    seeded("d19-blank-score", "c28", ["得分未填写"], _drop("performance.indicators.2.score")),
    seeded(
        "d20-done-for-number",
        "c06",
        ["定量指标完成值不是数字"],
        _set("performance.indicators.0.actual", "完成"),
    ),
    seeded(
        "d20b-done-for-number-scored",
        "c12",
        ["定量指标完成值不是数字"],
        _set("performance.indicators.2.actual", "全部完成"),
    ),
    seeded(
        "d21-weights-80",
        "c20",
        ["权重合计不为100"],
        _edits(
            _set("performance.indicators.2.weight", 20), _set("performance.indicators.2.score", 20)
        ),
    ),
    seeded(
        "d22-one-heavy",
        "c05",
        ["单个指标权重过大"],
        _edits(
            _set("performance.indicators.0.weight", 60),
            _set("performance.indicators.0.score", 60),
            _set("performance.indicators.1.weight", 20),
            _set("performance.indicators.1.score", 20),
        ),
    ),
    seeded(
        "d23-weight-missing",
        "c09",
        ["部分指标未填写权重"],
        _drop("performance.indicators.1.weight"),
    ),
    seeded(
        "d24-score-wrong", "c02", ["得分与计算不符"], _set("performance.indicators.0.score", 25)
    ),
    seeded("d25-total-wrong", "c05", ["总分与计算不符"], _set("evaluation.total_score", 95)),
    seeded("d26-execution-score", "c01", ["得分与计算不符"], _set("evaluation.execution_score", 8)),
    seeded(
        "d27-negated-full-marks",
        "c14",
        ["得分与计算不符"],
        _set("performance.indicators.2.actual", "未按时完成"),
    ),
    seeded(
        "d28-template",
        "c13",
        ["模板说明未删除"],
        _set("evaluation.problems", "（200字以内）部分工作台账归档不够及时。"),
    ),
    seeded(
        "d29-word-error",
        "c17",
        ["Word 错误文字"],
        _set(
            "overview.content", "村级防疫员入户免疫（见错误!未定义书签。），畜牧站每季度抽样检测。"
        ),
    ),
    seeded(
        "d30-bookmark",
        "c24",
        ["Word 错误文字"],
        _set("evaluation.conclusion", "[bookmark: _GoBack]随访管理工作扎实。"),
    ),
    seeded(
        "d31-placeholder",
        "c26",
        ["占位文字未替换"],
        _set("evaluation.suggestions", "请填写相关建议。"),
    ),
    seeded(
        "d32-copy-pair",
        "c27",
        ["文字与其他项目雷同"],
        _set("overview.basic_info", [_GUARDS]),
        companions=[_copy_of("c27", "机关安保服务", _GUARDS)],
    ),
    seeded(
        "d33-copy-three-of-four",
        "c29",
        ["文字与其他项目雷同"],
        _set("overview.basic_info", [_GUARDS]),
        companions=[
            _copy_of("c29", "救助站安保服务", _GUARDS),
            _copy_of("c29", "福利院安保服务", _GUARDS),
            Case("c29-other", "minzheng-ju", copy.deepcopy(_clean("c08").report)),
        ],
    ),
    seeded(
        "d34-unit-cost-per-event",
        "c32",
        ["单位成本高于目标"],
        _set("performance.indicators.0.actual", "18场"),
    ),
    seeded(
        "d35-unit-cost-per-person",
        "c33",
        ["单位成本高于目标"],
        _set("performance.indicators.0.actual", "110人"),
    ),
    seeded(
        "d36-unit-cost-per-show",
        "c37",
        ["单位成本高于目标"],
        _edits(
            _set("budget.1.initial", 66000),
            _set("budget.1.executed", 64000),
        ),
    ),
]
