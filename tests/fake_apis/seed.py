"""Facts for the 15 seed papers of ../shared/docs/external-apis.md section 4, and SYNTHETIC data for
any other id.

Only values that section lists as seen are used (title, authors, categories, comment, the
Hugging Face snapshot of 2026-02-09); timestamps are SYNTHETIC (the sources give dates only) and
unknown fields are left out rather than guessed. Every other well-formed id gets deterministic
SYNTHETIC metadata derived from a hash of the id, with "Synthetic" in its title.
"""

import datetime as dt
import hashlib

SEED_DATE = dt.date(2026, 2, 9)

# arxiv_id: (title, authors, categories, comment, hf (org fullname, upvotes, githubStars), repo)
SEED_PAPERS: dict[str, dict] = {
    "2602.06570": dict(
        title="Baichuan-M3: Modeling Clinical Inquiry for Reliable Medical Decision-Making",
        authors=[
            "Baichuan-M3 Team",
            ":",
            "Chengfeng Dou",
            "Fan Yang",
            "Fei Li",
            "Jiyuan Jia",
            "Qiang Ju",
            "Shuai Wang",
            "Tianpeng Li",
            "Xiangrong Zeng",
            "Yijie Zhou",
            "Hongda Zhang",
            "Jinyang Tai",
            "Linzhuang Sun",
            "Peidong Guo",
            "Yichuan Mo",
            "Xiaochuan Wang",
            "Hengfu Cui",
            "Zhishou Zhang",
        ],
        categories=["cs.CL"],
        comment=None,
        hf=("Baichuan Intelligent Technology", 53, 186),
        repo="https://github.com/baichuan-inc/Baichuan-M3-235B",
    ),
    "2602.06079": dict(
        title="Canzona: A Unified, Asynchronous, and Load-Balanced Framework for Distributed Matrix-based Optimizers",
        authors=[
            "Liangyu Wang",
            "Siqi Zhang",
            "Junjie Wang",
            "Yiming Dong",
            "Bo Zheng",
            "Zihan Qiu",
            "Shengkun Tang",
            "Di Wang",
            "Rui Men",
            "Dayiheng Liu",
        ],
        categories=None,
        comment=None,
        hf=("Qwen", 12, 0),
        repo=None,
    ),
    "2602.03392": dict(
        title="On the Entropy Dynamics in Reinforcement Fine-Tuning of Large Language Models",
        authors=[
            "Shumin Wang",
            "Yuexiang Xie",
            "Wenhao Zhang",
            "Yuchang Sun",
            "Yanxi Chen",
            "Yaliang Li",
            "Yanyong Zhang",
        ],
        categories=["cs.LG"],
        comment=None,
        hf=(None, 44, 521),
        repo="https://github.com/agentscope-ai/Trinity-RFT",
    ),
    "2602.05027": dict(
        title="AudioSAE: Towards Understanding of Audio-Processing Models with Sparse AutoEncoders",
        authors=[
            "Georgii Aparin",
            "Tasnima Sadekova",
            "Alexey Rukhovich",
            "Assel Yermekova",
            "Laida Kushnareva",
            "Vadim Popov",
            "Kristian Kuznetsov",
            "Irina Piontkovskaya",
        ],
        categories=["cs.SD", "cs.AI"],
        comment="Accepted to EACL 2026, main track",
        hf=("HUAWEI Noah's Ark Lab", 40, 2),
        repo=None,
        version=2,
    ),
    "2602.05843": dict(
        title="OdysseyArena: Benchmarking Large Language Models For Long-Horizon, Active and Inductive Interactions",
        authors=[
            "Fangzhi Xu",
            "Hang Yan",
            "Qiushi Sun",
            "Jinyang Wu",
            "Zixian Huang",
            "Muye Huang",
            "Jingyang Gong",
            "Zichen Ding",
            "Kanzhi Cheng",
            "Yian Wang",
            "Xinyu Che",
            "Zeyi Sun",
            "Jian Zhang",
            "Zhangyue Yin",
            "Haoran Luo",
            "Xuanjing Huang",
            "Ben Kao",
            "Jun Liu",
            "Qika Lin",
        ],
        categories=["cs.CL"],
        comment="34 pages",
        hf=(None, 50, 19),
        repo="https://github.com/xufangzhi/Odyssey-Arena",
    ),
    "2602.01734": dict(
        title=(
            "MSign: An Optimizer Preventing Training Instability in Large Language Models via Stable Rank Restoration"
        ),
        authors=["Lianhai Ren", "Yucheng Ding", "Xiao Liu", "Qianxiao Li", "Peng Cheng", "Yeyun Gong"],
        categories=["cs.LG"],
        comment=None,
        hf=("Microsoft", 28, 0),
        repo=None,
    ),
    "2602.06724": dict(
        title="Table-as-Search: Formulate Long-Horizon Agentic Information Seeking as Table Completion",
        authors=[
            "Tian Lan",
            "Felix Henry",
            "Bin Zhu",
            "Qianghuai Jia",
            "Junyang Ren",
            "Qihang Pu",
            "Haijun Li",
            "Longyue Wang",
            "Zhao Xu",
            "Weihua Luo",
        ],
        categories=["cs.CL"],
        comment=None,
        hf=("AIDC-AI", 1, 246),
        repo="https://github.com/AIDC-AI/Marco-DeepResearch",
    ),
    "2602.06949": dict(
        title="DreamDojo: A Generalist Robot World Model from Large-Scale Human Videos",
        authors=[
            "Shenyuan Gao",
            "William Liang",
            "Kaiyuan Zheng",
            "Ayaan Malik",
            "Seonghyeon Ye",
            "Sihyun Yu",
            "Wei-Cheng Tseng",
            "Yuzhu Dong",
            "Kaichun Mo",
            "Chen-Hsuan Lin",
            "Qianli Ma",
            "Seungjun Nah",
            "Loic Magne",
            "Jiannan Xiang",
            "Yuqi Xie",
            "Ruijie Zheng",
            "Dantong Niu",
            "You Liang Tan",
            "K. R. Zentner",
            "George Kurian",
            "Suneel Indupuru",
            "Pooya Jannaty",
            "Jinwei Gu",
            "Jun Zhang",
            "Jitendra Malik",
            "Pieter Abbeel",
            "Ming-Yu Liu",
            "Yuke Zhu",
            "Joel Jang",
            'Linxi "Jim" Fan',
        ],
        categories=["cs.RO", "cs.AI", "cs.CV", "cs.LG"],
        comment=None,
        hf=("NVIDIA", 19, 0),
        repo=None,
    ),
    "2602.05711": dict(
        title="OmniMoE: An Efficient MoE by Orchestrating Atomic Experts at Scale",
        authors=["Jingze Shi", "Zhangyang Peng", "Yizhang Zhu", "Yifan Wu", "Guang Liu", "Yuyu Luo"],
        categories=["cs.CL"],
        comment=None,
        hf=("Beijing Academy of Artificial Intelligence", 4, 52),
        repo="https://github.com/flash-algo/omni-moe",
    ),
    "2602.06669": dict(
        title=(
            "compar:IA: The French Government's LLM arena to collect French-language human prompts and preference data"
        ),
        authors=[
            "Lucie Termignon",
            "Simonas Zilinskas",
            "Hadrien Pélissier",
            "Aurélien Barrot",
            "Nicolas Chesnais",
            "Elie Gavoty",
        ],
        categories=["cs.CL", "cs.AI"],
        comment="18 pages, 7 figures, preprint",
        hf=("Ministère de la Culture (SNUM)", 3, 59),
        repo="https://github.com/betagouv/ComparIA",
    ),
    "2602.06391": dict(
        title="POINTS-GUI-G: GUI-Grounding Journey",
        authors=[
            "Zhongyin Zhao",
            "Yuan Liu",
            "Yikun Liu",
            "Haicheng Wang",
            "Le Tian",
            "Xiao Zhou",
            "Yangxiu You",
            "Zilin Yu",
            "Yang Yu",
            "Jie Zhou",
        ],
        categories=["cs.CV"],
        comment=None,
        hf=(None, 14, 21),
        repo="https://github.com/Tencent/POINTS-GUI",
    ),
    "2602.06075": dict(
        title="MemGUI-Bench: Benchmarking Memory of Mobile GUI Agents in Dynamic Environments",
        authors=[
            "Guangyi Liu",
            "Pengxiang Zhao",
            "Yaozhen Liang",
            "Qinyi Luo",
            "Shunye Tang",
            "Yuxiang Chai",
            "Weifeng Lin",
            "Han Xiao",
            "WenHao Wang",
            "Siheng Chen",
            "Zhengxi Lu",
            "Gao Wu",
            "Hao Wang",
            "Liang Liu",
            "Yong Liu",
        ],
        categories=["cs.DC"],
        comment=None,
        hf=("Zhejiang University", 13, 18),
        repo="https://github.com/lgy0404/MemGUI-Bench",
        version=3,
    ),
    "2602.05847": dict(
        title="OmniVideo-R1: Reinforcing Audio-visual Reasoning with Query Intention and Modality Attention",
        authors=[
            "Zhangquan Chen",
            "Jiale Tao",
            "Ruihuang Li",
            "Yihao Hu",
            "Ruitao Chen",
            "Zhantao Yang",
            "Xinlei Yu",
            "Haodong Jing",
            "Manyuan Zhang",
            "Shuai Shao",
            "Biao Wang",
            "Qinglin Lu",
            "Ruqi Huang",
        ],
        categories=None,
        comment=None,
        hf=("Tencent", 3, 0),
        repo=None,
    ),
    "2602.03075": dict(
        title="ReMiT: RL-Guided Mid-Training for Iterative LLM Evolution",
        authors=["Junjie Huang", "Jiarui Qin", "Di Yin", "Weiwen Liu", "Yong Yu", "Xing Sun", "Weinan Zhang"],
        categories=["cs.CL"],
        comment="25 pages",
        hf=("Tencent", 3, 0),
        repo=None,
    ),
    "2602.06854": dict(
        title="SEMA: Simple yet Effective Learning for Multi-Turn Jailbreak Attacks",
        authors=[
            "Mingqian Feng",
            "Xiaodong Liu",
            "Weiwei Yang",
            "Jialin Song",
            "Xuekai Zhu",
            "Chenliang Xu",
            "Jianfeng Gao",
        ],
        categories=["cs.CL"],
        comment="ICLR 2026, 37 pages, 13 tables, 7 figures",
        hf=("Microsoft", 3, 0),
        repo=None,
        abstract_tail="Our code is available at: https://github.com/fmmarkmq/SEMA",
    ),
}

CATEGORIES = ["cs.CL", "cs.CV", "cs.LG", "cs.AI", "cs.RO", "cs.SD", "stat.ML"]


def _digest(arxiv_id: str) -> int:
    return int(hashlib.sha256(arxiv_id.encode()).hexdigest()[:12], 16)


def arxiv_entry(arxiv_id: str) -> dict:
    """Metadata the fake arXiv serves for an id: seed facts, else SYNTHETIC. Timestamps are SYNTHETIC."""
    h = _digest(arxiv_id)
    base = (
        dt.datetime(2000 + int(arxiv_id[:2]), int(arxiv_id[2:4]), 1, tzinfo=dt.UTC)
        if arxiv_id[:4].isdigit()
        else dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
    )
    published = base + dt.timedelta(days=h % 27, seconds=h % 86400)
    seed = SEED_PAPERS.get(arxiv_id)
    if seed is not None:
        version = seed.get("version", 1)
        return {
            "title": seed["title"],
            "abstract": "SYNTHETIC abstract placeholder (the real one is not in our sources). "
            + seed.get("abstract_tail", ""),
            "authors": seed["authors"],
            "categories": seed["categories"] or [],
            "comment": seed["comment"],
            "version": version,
            "published": published,
            "updated": published + dt.timedelta(days=3 * (version - 1)),
        }
    version = 1 + h % 3
    return {
        "title": f"Synthetic paper {arxiv_id}:  a generated title\n   with a line wrap",
        "abstract": f"Synthetic abstract for {arxiv_id}. Code: https://github.com/synthetic-lab/repo-{h % 997}.",
        "authors": [f"Synthetic Author {chr(65 + i)}" for i in range(1 + h % 4)],
        "categories": [CATEGORIES[h % len(CATEGORIES)], CATEGORIES[(h // 7) % len(CATEGORIES)]],
        "comment": "synthetic fixture, 10 pages" if h % 2 else None,
        "version": version,
        "published": published,
        "updated": published + dt.timedelta(days=5 * (version - 1)),
    }


def hf_paper(
    arxiv_id: str,
    org: str | None = None,
    upvotes: int | None = None,
    stars: int | None = None,
    title: str | None = None,
) -> dict:
    """The ``paper`` object the fake Hugging Face serves: seed snapshot or given facts, else SYNTHETIC."""
    h = _digest(arxiv_id)
    seed = SEED_PAPERS.get(arxiv_id)
    if seed is not None:
        org, upvotes, stars = seed["hf"]
        repo = seed["repo"]
    else:
        repo = f"https://github.com/synthetic-lab/repo-{h % 997}.git" if h % 3 else None
    paper = {
        "id": arxiv_id,
        "title": title or (seed or {}).get("title") or f"Synthetic paper {arxiv_id}",
        "upvotes": upvotes if upvotes is not None else h % 60,
        "githubRepo": repo,
        "githubStars": stars if stars is not None else (h % 500 if repo else None),
        "ai_keywords": ["synthetic keyword", f"topic-{h % 5}"],
        "publishedAt": arxiv_entry(arxiv_id)["published"].isoformat().replace("+00:00", ".000Z"),
    }
    if org:
        paper["_org"] = {"name": org.lower().replace(" ", "-"), "fullname": org}
    return paper


LEFT_OUT_ORG = "SYNTHETIC Unseen Institute"  # never printed in any digest: its lab tier is unknown
LEFT_OUT_TOPICS = ("retrieval-augmented generation", "world models", "medical imaging")


def left_out_papers(day: dt.date, n: int) -> list[dict]:
    """``n`` SYNTHETIC papers for ``day``'s Hugging Face list that a digest would leave out.

    Their ids (``YYMM.9DDNN``) are well-formed but beyond any real month's numbering; their counts are
    tiny (score under 6, far below any printed score), half without an organization, half from an
    organization no digest printed; their titles name a topic in turn (LEFT_OUT_TOPICS).
    """
    return [
        {
            "arxiv_id": f"{day:%y%m}.9{day.day:02d}{i:02d}",
            "title": f"SYNTHETIC left-out paper {i} on {LEFT_OUT_TOPICS[i % len(LEFT_OUT_TOPICS)]}",
            "org": LEFT_OUT_ORG if i % 2 else None,
            "upvotes": i % 3,
            "stars": 0,
            "comments": 0,
        }
        for i in range(n)
    ]
