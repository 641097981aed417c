"""A small product, WBS and organisation data set shared by the product and graph tests."""

from __future__ import annotations

from support.site import Site

HOSTILE_NAME = "ISR <script>alert(\"x\")</script> {braces} 'q'"


DATA = {
    "data/institutions/institutions.yaml": """
        - id: UW
          name: University of Washington
          url: https://www.washington.edu
        - id: PU
          name: Princeton University
        """,
    "data/people/people.yaml": """
        - id: alice
          name: Alice Admin
          institution: UW
        - id: bob
          name: Bob Scientist
          institution: PU
        - id: carol
          name: Carol Camp
          institution: UW
        """,
    "data/wbs/wbs.yaml": """
        - code: "1.02C"
          name: Data Management
          description: The *whole* system.
        - code: "1.02C.03"
          name: Alert Production
          lead: UW
        - code: "1.02C.03.01"
          name: Single Frame Processing
        - code: "1.02C.04"
          name: Data Release Production
          lead: PU
        """,
    "data/products/products.yaml": """
        - id: dm
          name: Data Management
          wbs: "1.02C"
          manager: alice
          owner: bob
        - id: l1
          name: Level 1 System
          parent: dm
          grouping: true
        - id: sfp
          name: Single Frame Pipe
          parent: l1
          wbs: "02C.03.01"
          manager: carol
          packages: [pipe_drivers, ip_isr]
          jira_components: [pipelines]
          documents: [LDM-151]
        - id: isr
          name: ISR <script>alert("x")</script> {braces} 'q'
          description: Instrument <b>signature</b> "removal" {x}
          parent: sfp
          wbs: "1.02C.03.01"
        - id: ap
          name: Alert Generation
          parent: l1
          wbs: "1.02C.03"
          packages: [ap_association]
          jira_components: [ap]
        - id: drp
          name: Coaddition
          parent: dm
          wbs: "1.02C.04"
          packages: [pipe_drivers]
          jira_components: [pipelines]
        """,
    "data/documents/documents.yaml": """
        - handle: LDM-151
          title: Science Pipelines Design
        """,
    "data/milestones/milestones.yaml": """
        - id: DM-AP-1
          name: First light of SFP
          wbs: "02C.03.01"
          due: 2020-01-01
          description: Single frames processed.
        """,
    "data/requirements/requirements.yaml": """
        - id: DMS-REQ-0001
          title: Process single frames
          allocated: [sfp]
        """,
    "data/roles/roles.yaml": """
        - id: dmpm
          title: DM Project Manager
          holders: [alice]
          wbs: ["1.02C"]
          responsibilities: |
            - Manage the overall DM System
            - <script>bad()</script>
          authorities: Approves the **WBS**.
        - id: dmss
          title: DM Subsystem Scientist
          holders: [bob]
          scientist: true
        - id: tcam-ap
          title: T/CAM Alert Production
          holders: [carol]
          reports_to: dmpm
          wbs: ["1.02C.03"]
        - id: sci-ap
          title: AP Science Lead
          holders: [bob]
          reports_to: dmss
          scientist: true
          wbs: ["02C.03"]
        - id: ops
          title: Ops "Architect" <script>x()</script> {y}
          reports_to: dmpm
        """,
    "data/groups/groups.yaml": """
        - id: dmlt
          name: DM Leadership Team
          chair: dmpm
          members: [dmss, tcam-ap, carol]
          cadence: weekly, Mondays
          institution: UW
          description: Keeps *scope* within resources.
        """,
}


def write_data(site: Site) -> None:
    for path, text in DATA.items():
        site.write(path, text)
