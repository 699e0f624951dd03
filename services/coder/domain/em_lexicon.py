"""The words E/M levelling looks for, by MDM element (AMA CPT 2021 MDM table).

Each phrase maps to a `Cue`: the element it informs (problems, data, risk), the kind of
evidence it is in the AMA's terms, and a key that says which problem or test it names,
so that the same problem or test documented twice counts once ("each unique test").
The lists are this project's own, written from the AMA's definitions and examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .em_text import canonical

Element = Literal["problems", "data", "risk", "modifier", "ignore", "trigger"]


@dataclass(frozen=True, slots=True)
class Cue:
    element: Element
    kind: str
    key: str


def _phrases(text: str) -> list[str]:
    return [p.strip() for p in text.split("|") if p.strip()]


CUES: dict[str, Cue] = {}


def _add(element: Element, kind: str, groups: dict[str, str]) -> None:
    for key, phrases in groups.items():
        for phrase in _phrases(phrases):
            CUES.setdefault(canonical(phrase), Cue(element, kind, key))


# Words that contain a cue but mean something else ("body mass index" is not a mass).
_add(
    "ignore",
    "ignore",
    {
        "ignore": "body mass index|muscle mass|mass effect|flu shot|flu vaccine|"
        "influenza vaccine|pneumonia vaccine|surgical history|past surgical|"
        "plan of care|admission date|admit date|date of admission|admission diagnosis|"
        "admitting diagnosis|hospital course|observation unit|cancer screening|"
        "lung cancer screening|colon cancer screening|colorectal cancer screening|"
        "breast cancer screening|cervical cancer screening|prostate cancer screening|"
        "skin cancer screening|cancer risk|history of present illness|"
        "history of the present illness|past medical history|past surgical history|"
        "medical history|interval history|"
        # an exam finding, not a prescription refilled
        "cap refill|capillary refill|capillary refill time|cap refill time"
    },
)

# ConText-style triggers: they set how the cues after them in their clause are asserted
# (post_negated and both_negated also look back: "pneumonia was ruled out"); a break
# ends the clause.
_add(
    "trigger",
    "trigger",
    {
        "negated": "no|not|denies|denied|deny|denying|negative for|without|free of|"
        "absence of|never|declined|declines|refused|refuses|deferred",
        "both_negated": "ruled out|rules out|resolved",
        "post_negated": "was negative|is negative|were negative|are negative|unlikely|"
        "not present|has resolved|have resolved",
        "history": "history of|h/o|hx of|s/p|status post|prior|previous|previously|remote|past",
        "family": "mother|father|sister|brother|family history|grandmother|grandfather|"
        "aunt|uncle|maternal|paternal|family hx",
        "hypothetical": "if|return if|should|unless|in case of|precautions|return precautions|"
        "return for|return with|return to the ed|return to ed|come back|seek care|"
        "seek medical attention|call for|call if|warning signs|red flags",
        "considered": "consider|considering|considered|may need|might need|discussed",
        "break": "but|however|although|though|except|aside from",
    },
)

# Problems: chronic illnesses (stable unless the clause says otherwise).
_add(
    "problems",
    "chronic",
    {
        "hypertension": "hypertension|htn|essential hypertension|high blood pressure",
        # conditions followed for months or years, each its own key
        "acne": "acne|acne vulgaris",
        "rosacea": "rosacea",
        "prediabetes": "prediabetes|pre diabetes|impaired fasting glucose",
        "overactive bladder": "overactive bladder|urge incontinence|stress incontinence",
        "erectile dysfunction": "erectile dysfunction",
        "hypogonadism": "hypogonadism|testicular hypofunction|low testosterone",
        "menopause": "menopausal symptoms|menopause symptoms|vasomotor symptoms|hot flashes",
        "endometriosis": "endometriosis",
        "pcos": "pcos|polycystic ovary syndrome|polycystic ovarian syndrome",
        "restless legs": "restless legs|restless legs syndrome|restless leg syndrome",
        "tinnitus": "tinnitus",
        "hearing loss": "hearing loss|sensorineural hearing loss",
        "carpal tunnel": "carpal tunnel syndrome|carpal tunnel",
        "trigger finger": "trigger finger|trigger thumb",
        "venous": "varicose veins|venous insufficiency|chronic venous insufficiency|lymphedema",
        "sarcoidosis": "sarcoidosis",
        "valve disease": "aortic stenosis|mitral regurgitation|aortic regurgitation|"
        "mitral stenosis|valvular heart disease",
        "celiac": "celiac disease|celiac sprue",
        "diverticular": "diverticulosis|diverticular disease",
        "kidney stones": "kidney stones|nephrolithiasis|recurrent kidney stones",
        "tremor": "essential tremor",
        "diabetes": "diabetes|diabetes mellitus|dm|dm2|t2dm|t1dm|type 2 diabetes|"
        "type 1 diabetes|type ii diabetes|iddm|niddm|diabetic",
        "hyperlipidemia": "hyperlipidemia|hld|dyslipidemia|hypercholesterolemia|"
        "high cholesterol|mixed hyperlipidemia|hypertriglyceridemia",
        "copd": "copd|chronic obstructive pulmonary disease|emphysema|chronic bronchitis",
        "asthma": "asthma|reactive airway disease",
        "heart failure": "chf|heart failure|congestive heart failure|hfref|hfpef|"
        "cardiomyopathy|systolic heart failure|diastolic heart failure",
        "atrial fibrillation": "atrial fibrillation|afib|a fib|atrial flutter|paroxysmal afib",
        "coronary disease": "cad|coronary artery disease|ischemic heart disease|stable angina",
        "kidney disease": "ckd|chronic kidney disease|esrd|end stage renal disease|"
        "chronic renal insufficiency",
        "thyroid": "hypothyroidism|hyperthyroidism|hashimoto",
        "reflux": "gerd|gastroesophageal reflux|acid reflux|reflux disease",
        "depression": "depression|major depressive disorder|mdd|depressive disorder|dysthymia",
        "anxiety": "anxiety|generalized anxiety disorder|gad|panic disorder",
        "mood disorder": "bipolar disorder|bipolar|schizophrenia|schizoaffective disorder",
        "attention disorder": "adhd|attention deficit",
        "ptsd": "ptsd|post traumatic stress disorder",
        "osteoarthritis": "osteoarthritis|degenerative joint disease|djd",
        "autoimmune": "rheumatoid arthritis|lupus|sle|psoriatic arthritis|psoriasis|"
        "ankylosing spondylitis",
        "gout": "gout",
        "osteoporosis": "osteoporosis|osteopenia",
        "obesity": "obesity|morbid obesity|obese",
        "sleep apnea": "sleep apnea|osa|obstructive sleep apnea",
        "chronic pain": "chronic pain|chronic back pain|chronic low back pain|fibromyalgia",
        "migraine": "migraine|migraines|chronic migraine",
        "epilepsy": "epilepsy|seizure disorder",
        "neurodegenerative": "parkinson|parkinsons|parkinson disease|dementia|alzheimer|"
        "alzheimers|multiple sclerosis",
        "hiv": "hiv|hiv infection",
        "liver disease": "cirrhosis|hepatitis c|chronic hepatitis|fatty liver|nafld",
        "prostate": "bph|benign prostatic hyperplasia",
        "anemia": "anemia|iron deficiency anemia|chronic anemia",
        "vascular": "pad|peripheral artery disease|peripheral arterial disease|"
        "peripheral vascular disease",
        "bowel disease": "crohn|crohns|crohn disease|ulcerative colitis|ibs|"
        "irritable bowel syndrome",
        "eye": "glaucoma|macular degeneration",
        "allergic": "allergic rhinitis|chronic sinusitis|atopic dermatitis|eczema",
        "substance use": "alcohol use disorder|opioid use disorder|substance use disorder|"
        "tobacco use disorder|nicotine dependence|alcohol dependence",
        "insomnia": "insomnia",
        "neuropathy": "neuropathy|peripheral neuropathy|diabetic neuropathy",
        "deficiency": "vitamin d deficiency|b12 deficiency|vitamin b12 deficiency|iron deficiency",
        "esophagus": "esophagitis|barrett esophagus|barretts esophagus",
        "cancer": "cancer|carcinoma|adenocarcinoma|malignant neoplasm|lymphoma|leukemia|"
        "myeloma|melanoma|breast cancer|prostate cancer",
    },
)
_add(
    "problems",
    "minor",
    {
        "cold": "common cold|head cold|cold symptoms|viral uri",
        "bite": "insect bite|bug bite|mosquito bite|tick bite|bee sting",
        "abrasion": "abrasion|minor abrasion|superficial abrasion",
        "cerumen": "cerumen impaction|cerumen|earwax|ear wax",
        "skin minor": "diaper rash|wart|warts|skin tag|skin tags|sunburn|splinter|callus|"
        "tinea corporis|ringworm|hiccups",
    },
)
# a joint's or limb's pain as the tabular writes it ("pain in left knee", "pain of the right
# shoulder") and as clinicians do ("left hip pain")
_LIMB_PAIN = "|".join(
    form
    for site in ("knee", "shoulder", "hip", "ankle", "wrist", "elbow", "foot", "hand", "heel")
    for side in ("", "left ", "right ", "bilateral ")
    for form in (
        f"{side}{site} pain",
        f"pain of {side}{site}",
        f"pain of the {side}{site}",
        f"pain in {side}{site}",
        f"pain in the {side}{site}",
    )
)
_add(
    "problems",
    "acute_uncomplicated",
    {
        "uri": "uri|upper respiratory infection|upper respiratory tract infection|nasopharyngitis",
        "sinusitis": "sinusitis|acute sinusitis|rhinosinusitis",
        "otitis": "otitis media|otitis externa|ear infection|swimmer ear",
        "pharyngitis": "pharyngitis|strep throat|strep pharyngitis|tonsillitis|sore throat",
        "bronchitis": "acute bronchitis|bronchitis",
        "croup": "croup|laryngotracheitis|bronchiolitis",
        "sting": "insect sting|bee sting|wasp sting|insect bite|spider bite|tick bite",
        "intoxication": "alcohol intoxication|acute intoxication|ethanol intoxication",
        "panic": "panic attack|anxiety attack",
        "uti": "uti|urinary tract infection|cystitis",
        "conjunctivitis": "conjunctivitis|pink eye",
        "gastroenteritis": "gastroenteritis|viral gastroenteritis|stomach flu",
        "sprain": "sprain|ankle sprain|wrist sprain|strain|muscle strain|back strain",
        "contusion": "contusion|bruise",
        "laceration": "laceration|simple laceration",
        "skin infection": "cellulitis|impetigo|abscess|folliculitis|paronychia",
        "rash": "rash|dermatitis|contact dermatitis|urticaria|hives|allergic reaction",
        "pain": "low back pain|back pain|neck pain|headache|tension headache|"
        "tension type headache|"
        "musculoskeletal pain|chest wall pain|costochondritis|tendinitis|tendonitis|"
        "bursitis|plantar fasciitis|knee pain|shoulder pain|abdominal pain|dental pain|"
        "joint pain|arthralgia|" + _LIMB_PAIN,
        "gi minor": "constipation|diarrhea|nausea|vomiting|hemorrhoids|dyspepsia",
        "vertigo": "vertigo|bppv|dizziness",
        "viral": "influenza|covid|covid 19|viral syndrome|viral illness|cough",
        "genital": "vaginitis|bacterial vaginosis|yeast infection|candidiasis",
        "eye minor": "corneal abrasion|stye|hordeolum",
        "epistaxis": "epistaxis|nosebleed",
        "burn": "first degree burn|superficial burn|burn of|second degree burn|"
        "partial thickness burn",
        "skin minor": "ingrown toenail|ingrown nail|tinea pedis|tinea corporis|tinea cruris|"
        "tinea capitis|tinea|onychomycosis|scabies|head lice|pediculosis|molluscum|"
        "molluscum contagiosum|herpes zoster|shingles|cold sore|herpes labialis|"
        "pilonidal cyst|sebaceous cyst|epidermal cyst|epidermoid cyst|lipoma|corn|callus|"
        "skin lesion|mole|nevus|wart|warts|verruca|actinic keratosis|seborrheic keratosis",
        "mucosal": "oral thrush|thrush|oral candidiasis|aphthous ulcer|canker sore",
        "sti": "bv|chlamydia|gonorrhea|sexually transmitted infection|sti|trichomoniasis|"
        "epididymitis|prostatitis|urethritis",
        "foot": "bunion|hallux valgus|hammer toe|hammertoe|metatarsalgia",
        "anorectal": "hemorrhoid|anal fissure|perianal abscess",
        "bite": "dog bite|cat bite|animal bite|human bite|bite wound",
        "eye ear": "ear pain|otalgia|eye pain|red eye|foreign body in the eye|"
        "foreign body of the eye|corneal foreign body",
        "symptom": "dysuria|fever|fatigue|shortness of breath|dyspnea|palpitations|"
        "weight gain|heartburn|lymph node|swollen lymph node|enlarged lymph node",
    },
)
_add(
    "problems",
    "acute_systemic",
    {
        "pneumonia": "pneumonia|community acquired pneumonia|cap|bronchopneumonia",
        "pyelonephritis": "pyelonephritis|kidney infection",
        "pelvic infection": "pelvic inflammatory disease|pid|tubo ovarian abscess",
        "abdominal infection": "diverticulitis|colitis|cholecystitis|cholangitis",
        "systemic infection": "mononucleosis|lyme disease|cellulitis with fever|"
        "acute illness with systemic symptoms|dehydration",
        "dvt": "dvt|deep vein thrombosis|deep venous thrombosis",
        "kidney stone": "kidney stone|nephrolithiasis|renal colic|ureterolithiasis|"
        "ureteral stone|ureteral calculus|renal stone|renal calculus|urolithiasis|"
        "ureteral colic|obstructing stone",
        "asthma attack": "asthma attack|status asthmaticus",
    },
)
_add(
    "problems",
    "complicated_injury",
    {
        "fracture": "fracture|fractures|fx|closed fracture|displaced fracture|rib fractures|broken",
        "dislocation": "dislocation|dislocated|subluxation",
        "head injury": "concussion|head injury|closed head injury",
        "tendon": "tendon rupture|achilles rupture|acl tear|rotator cuff tear|meniscus tear|"
        "meniscal tear|tendon laceration",
        "burn": "second degree burn|partial thickness burn",
        "crush": "crush injury",
    },
)
_add(
    "problems",
    "undiagnosed",
    {
        "mass": "mass|lump|breast mass|breast lump|nodule|pulmonary nodule|lung nodule|"
        "thyroid nodule|lymphadenopathy|suspicious lesion",
        # a loss the words call unexplained ("Lifestyle: weight loss" is advice)
        "weight loss": "unexplained weight loss|unintentional weight loss|"
        "unintended weight loss|involuntary weight loss",
        "unclear cause": "unclear etiology|unknown etiology|uncertain etiology|unclear cause|"
        "cause unclear|etiology unclear|cause not yet known|undifferentiated|"
        "cause not yet determined|cause not determined|cause undetermined|"
        "etiology undetermined|etiology not yet determined|cause to be determined",
        "bleeding": "hematuria|rectal bleeding|hematochezia|melena|hemoptysis",
        # bleeding in early pregnancy: whether it will continue is not yet known
        "pregnancy bleeding": "threatened miscarriage|threatened abortion|"
        "bleeding in pregnancy|vaginal bleeding in pregnancy|first trimester bleeding|"
        "subchorionic hematoma|pregnancy of unknown location",
        "syncope": "syncope|near syncope|presyncope",
        "chest pain": "chest pain|atypical chest pain",
        "neuro new": "new onset seizure|first seizure|numbness|weakness|altered mental status",
        "abnormal finding": "abnormal mammogram|elevated psa|abnormal pap",
    },
)
_add(
    "problems",
    "threat",
    {
        "sepsis": "sepsis|septic shock|shock|bacteremia",
        "acute coronary": "stemi|nstemi|myocardial infarction|acute mi|heart attack|"
        "acute coronary syndrome|acs|unstable angina",
        "stroke": "stroke|cva|tia|transient ischemic attack|intracranial hemorrhage|"
        "subarachnoid hemorrhage",
        "embolism": "pulmonary embolism|pulmonary embolus|saddle embolus",
        "respiratory failure": "respiratory failure|acute respiratory failure|bipap|"
        "nippv|noninvasive ventilation|non invasive ventilation|"
        "hypoxic respiratory failure|respiratory distress|"
        # a new need for oxygen: the illness threatens breathing without treatment
        "requiring supplemental oxygen|requiring oxygen|new oxygen requirement|"
        "new supplemental oxygen requirement|acute hypoxemia|acute hypoxemic|acute hypoxia",
        "dka": "dka|diabetic ketoacidosis|hyperosmolar hyperglycemic state",
        "bleeding": "gi bleed|gastrointestinal bleed|upper gi bleed|lower gi bleed|"
        "gastrointestinal bleeding|hemorrhage",
        "surgical abdomen": "bowel obstruction|small bowel obstruction|sbo|perforation|"
        "appendicitis|acute appendicitis|acute pancreatitis|pancreatitis|ischemic bowel",
        "vascular": "aortic dissection|ruptured aneurysm|compartment syndrome",
        "torsion": "testicular torsion|ovarian torsion|ectopic pregnancy",
        "cns infection": "meningitis|encephalitis",
        "neuro": "status epilepticus|cauda equina|spinal cord compression",
        "anaphylaxis": "anaphylaxis|anaphylactic reaction",
        "self harm": "suicidal ideation|suicide attempt|overdose",
        "kidney injury": "aki|acute kidney injury|acute renal failure",
        "arrhythmia": "ventricular tachycardia|v tach|cardiac arrest|complete heart block",
        "metabolic": "severe hyperkalemia|hyperkalemia|severe hyponatremia|delirium",
        "obstetric": "preeclampsia|eclampsia|placental abruption",
        "airway": "pneumothorax|tension pneumothorax|epiglottitis",
        "hypertensive crisis": "hypertensive emergency|hypertensive urgency|hypertensive crisis",
        "necrotizing": "necrotizing fasciitis",
    },
)
# How a chronic illness stands: AMA: "stable" means at the treatment goal; a chronic
# illness not at its goal is not stable, even if unchanged.
_add(
    "modifier",
    "exacerbation",
    {
        "exacerbation": "exacerbation|exacerbated|worsening|worse|worsened|uncontrolled|"
        "with rvr|rapid ventricular response|hypoglycemia|hypoglycemic episode|"
        "poorly controlled|not controlled|not well controlled|suboptimally controlled|"
        "inadequately controlled|not at goal|above goal|flare|flaring|progression|"
        "progressing|progressive|side effects|side effect|adverse effect|elevated|"
        # AMA: a patient not at the treatment goal is not stable
        "improving|partially controlled|partly controlled|not yet at goal|not at target|"
        "above target|still symptomatic",
    },
)
_add(
    "modifier",
    "severe",
    {
        "severe": "severe exacerbation|severe flare|acute decompensated|decompensated|"
        "acute on chronic|decompensation|crisis",
    },
)
# An injury seen again as it heals is no longer complicated.
_add(
    "modifier",
    "healing",
    {
        "healing": "healing|healing well|routine healing|healed|well healed|subsequent encounter",
    },
)

# Data: each unique test ordered or reviewed (components of a panel are the panel).
_add(
    "data",
    "test",
    {
        "cbc": "cbc|complete blood count|hemoglobin|hgb|hematocrit|wbc|white count|"
        "platelets|cbc with diff",
        "bmp": "bmp|basic metabolic panel|chem 7|electrolytes|creatinine|bun|potassium|"
        "sodium|glucose|renal function",
        "cmp": "cmp|comprehensive metabolic panel|chem 14",
        "lfts": "lfts|lft|liver function tests|liver panel|hepatic function panel",
        "troponin": "troponin|troponins|trop|high sensitivity troponin",
        "bnp": "bnp|nt probnp|pro bnp",
        "lipids": "lipid panel|lipids|fasting lipid panel|ldl",
        "a1c": "a1c|hba1c|hemoglobin a1c|glycated hemoglobin",
        "tsh": "tsh|thyroid function|free t4|thyroid panel",
        "urinalysis": "urinalysis|ua|urine dipstick|urine analysis",
        "urine culture": "urine culture|urine cx",
        "blood cultures": "blood cultures|blood culture|blood cx",
        "lactate": "lactate|lactic acid",
        "d dimer": "d dimer|ddimer",
        "coagulation": "inr|pt/inr|pt inr|ptt|coagulation studies|coags",
        "lipase": "lipase|amylase",
        "magnesium": "magnesium|mg level",
        "inflammatory": "esr|sed rate|crp|c reactive protein|procalcitonin",
        "blood gas": "abg|vbg|arterial blood gas|venous blood gas",
        "toxicology": "urine drug screen|uds|drug screen|ethanol level|alcohol level|"
        "acetaminophen level|salicylate level",
        "pregnancy test": "pregnancy test|urine hcg|hcg|beta hcg|upt",
        "strep test": "rapid strep|strep test|throat culture",
        # each its own test (CPT 87804, 87811/87635, 87807/87634): three unique tests
        "influenza test": "flu test|influenza swab|rapid flu|rapid influenza|flu swab|"
        "influenza a and b|influenza a/b|flu a/b|flu a and b|influenza antigen|influenza pcr",
        "covid test": "covid test|sars cov 2 pcr|covid pcr|covid 19 antigen|covid antigen|"
        "sars cov 2 antigen|covid 19 pcr|covid swab|covid 19 test",
        "rsv test": "rsv swab|rsv antigen|rsv test|rsv pcr",
        "viral panel": "viral panel|respiratory panel|respiratory pathogen panel",
        "iron": "iron studies|ferritin|b12|folate|vitamin d level",
        "psa": "psa",
        "mammogram": "mammogram|screening mammogram|diagnostic mammogram|mammography",
        "bone density": "dexa|dxa|bone density",
        "microalbumin": "microalbumin|urine albumin|uacr",
        "chest x ray": "chest x ray|cxr|chest radiograph|chest film|chest xray",
        "x ray": "x ray|xray|x rays|radiograph|radiographs|plain films",
        "ct head": "ct head|head ct|ct of the head|ct brain",
        "ct chest": "ct chest|chest ct|cta chest|ct angiogram|ct pulmonary angiogram",
        "ct abdomen": "ct abdomen|ct abdomen and pelvis|ct abdomen/pelvis|ct a/p|"
        "abdominal ct|ct of the abdomen",
        "ct": "ct|ct scan|cat scan|computed tomography",
        "mri": "mri|magnetic resonance|mra",
        "ultrasound": "ultrasound|sonogram|doppler|duplex",
        "echo": "echocardiogram|echo|tte|tee",
        "ecg": "ecg|ekg|electrocardiogram|12 lead",
        "monitoring": "holter|event monitor|telemetry strip|ambulatory ecg monitor|"
        "ambulatory ekg monitor|ambulatory ecg|ambulatory cardiac monitor|zio patch|"
        "cardiac event monitor|loop recorder",
        "stress test": "stress test|nuclear stress test|treadmill test",
        "pulmonary function": "pft|pfts|pulmonary function tests|spirometry",
        "eeg": "eeg",
        "stool": "stool culture|c diff|stool studies|fecal occult blood|fit test",
        "culture": "wound culture|sputum culture",
    },
)
_add(
    "data",
    "external_notes",
    {
        "external records": "outside records|outside hospital records|external records|"
        "records from|old records|prior records|care everywhere|outside notes|"
        "notes from|prior notes|discharge summary from|nursing home records|"
        "records were reviewed|reviewed records|reviewed prior records",
        "ems record": "ems run sheet|ems report|ems records",
    },
)
_HISTORIANS = (
    "mother|father|mom|dad|parent|parents|wife|husband|spouse|daughter|son|"
    "caregiver|family|ems|nursing home staff|staff|guardian|partner|girlfriend|boyfriend"
)
_add(
    "data",
    "historian",
    {
        "historian": "independent historian|collateral history|collateral from|"
        "history obtained from|history provided by|history given by|history from|"
        + "|".join(
            f"per {who}|{who} reports|{who} states|{who} report" for who in _HISTORIANS.split("|")
        ),
    },
)
_add(
    "data",
    "interpretation",
    {
        "interpretation": "independently interpreted|independent interpretation|"
        "my interpretation|my independent interpretation|my read|my reading|"
        "interpreted by me|personally reviewed the images|personally reviewed images|"
        "personally reviewed the film|personally reviewed the ekg|"
        "personally reviewed the ecg|personally interpreted|i independently reviewed|"
        "independently reviewed|my review of the images|i reviewed the images"
    },
)
_TALKED = (
    "discussed with|discussed case with|discussed the case with|case discussed with|"
    "spoke with|spoke to|talked with|talked to|conferred with|d/w|consulted with"
)
_OTHERS = (
    "dr|doctor|the hospitalist|hospitalist|cardiology|the cardiologist|surgery|"
    "the surgeon|general surgery|radiology|the radiologist|gi|gastroenterology|"
    "neurology|the neurologist|oncology|nephrology|orthopedics|the orthopedist|urology|"
    "pulmonology|critical care|the intensivist|icu|on call|the on call|poison control|"
    "pharmacy|the pharmacist|his pcp|her pcp|their pcp|the pcp|pcp|"
    "primary care|the consultant|the specialist|case management|social work|"
    "infectious disease|obstetrics|ob|psychiatry|the attending|interventional radiology"
)
_add(
    "data",
    "discussion",
    {
        "discussion": "|".join(f"{t} {o}" for t in _TALKED.split("|") for o in _OTHERS.split("|"))
        + "|curbside|curbsided",
    },
)

# Risk of patient management.
_add(
    "risk",
    "hospitalization",
    {
        "decision regarding hospitalization": "admit|will admit|admit to|"
        "recommend admission|recommended admission|hospital admission|inpatient admission|"
        "admission to|admit to observation|place in observation|observation status|"
        "hospitalization|hospitalize|transfer to icu|transfer to the icu|upgrade to icu|"
        "icu admission|escalation of care|escalate care|higher level of care|"
        "declined admission|refused admission|"
        # an office or urgent visit that sends the patient on for admission or emergency care
        "sent to the emergency department|sent to the ed|sent to the er|send to the ed|"
        "sending to the ed|sent to the emergency room|transferred to the emergency department|"
        "transfer to the emergency department|transferred to the ed|ems called|called 911|"
        "direct admission|directly admitted|admitted directly|likely admission|"
        "admission evaluation|admitted to the icu|admitted to the cardiac icu|"
        "admitted to the micu|admitted to the hospital|admitted to medicine|"
        "admitted to the hospitalist|admitted to observation|admitted to telemetry|"
        "admit to telemetry|will be admitted|to be admitted|admission to the hospital|"
        "admitted to icu|admit to icu|admitted to micu|admitted to ccu|admitted to the ccu|"
        "admitted to step down|admitted to stepdown|admitted to the floor|admitted to floor|"
        "admitted to hospital|admitted to the medical floor|admit to the floor|"
        # admission weighed against going home (AMA: options considered count)
        "observation versus|observation vs|admission versus|admission vs|versus admission|"
        "vs admission|versus observation|vs observation|considered admission|"
        "considered observation|discussed admission|discussed observation",
    },
)
_add(
    "risk",
    "dnr",
    {
        "decision not to resuscitate or to de-escalate care": "dnr|dni|dnr/dni|"
        "do not resuscitate|comfort care|comfort measures|hospice|de escalate|"
        "de escalation|deescalation|withdrawal of care|withdraw care|"
        "transition to comfort|palliative care",
    },
)
_add(
    "risk",
    "intensive_monitoring",
    {
        "drug therapy requiring intensive monitoring for toxicity": "heparin drip|"
        "heparin infusion|heparin gtt|insulin drip|insulin infusion|insulin gtt|"
        "vancomycin trough|trough level|trough levels|drug levels|lithium level|"
        "digoxin level|tacrolimus level|gentamicin level|monitor for toxicity|chemotherapy",
    },
)
_add(
    "risk",
    "controlled",
    {
        "parenteral controlled substances": "morphine|hydromorphone|dilaudid|fentanyl|"
        "ketamine|lorazepam|ativan|midazolam|versed|diazepam|meperidine|demerol",
    },
)
_add(
    "risk",
    "emergency_surgery",
    {
        "decision regarding emergency major surgery": "emergent surgery|emergency surgery|"
        "emergent laparotomy|emergent operation|emergently to the or|"
        "to the or emergently|urgent surgery|emergent surgical|emergent exploration|"
        "emergent repair",
    },
)
_add(
    "risk",
    "major_surgery_decided",
    {
        "decision regarding major surgery": "operative management|surgical options|"
        "surgical intervention|surgical candidate|candidate for surgery|"
        "surgical management|surgery is recommended|surgery recommended|"
        "recommend surgery|recommended surgery|proceed with surgery|schedule surgery|"
        "scheduled for surgery|risks and benefits of surgery|consent for surgery",
    },
)
# Words that make a surgery named near them a decision ("considered", "declined" and
# "discussed" are triggers, and count too).
_add(
    "risk",
    "decision_word",
    {
        "decision": "recommend|recommended|recommends|planned|plan for|plans to|scheduled|"
        "schedule|proceed|candidate|offered|offer|elected|elects|decided|decision|"
        "consent|consented|booked|posted|agrees to|opted|opts|undergo|options|"
        "refer for|referred for|wishes to|wants to|would like",
    },
)
_add(
    "risk",
    "major_surgery",
    {
        "decision regarding major surgery": "surgery|surgical|surgical consult|"
        "surgical consultation|arthroplasty|orif|laparoscopic|cholecystectomy|appendectomy|"
        "hysterectomy|colectomy|mastectomy|knee replacement|hip replacement|"
        "joint replacement|spinal fusion|discectomy|laminectomy|cabg|bypass surgery|"
        "cardiac catheterization|heart catheterization|operative repair",
    },
)
_add(
    "risk",
    "minor_surgery",
    {
        "decision regarding minor surgery": "incision and drainage|i&d|i and d|"
        "laceration repair|repair of laceration|sutured|suture repair|excision|"
        "shave biopsy|punch biopsy|biopsy|cryotherapy|skin tag removal|joint injection|"
        "steroid injection|trigger point injection|nail removal|toenail removal|"
        "foreign body removal|cerumen removal",
    },
)
_SDOH = "diagnosis or treatment significantly limited by social determinants of health"
_add(
    "risk",
    "sdoh",
    {
        _SDOH: "unable to afford|cannot afford|can't afford|cant afford|lack of transportation|"
        "no transportation|homeless|homelessness|housing insecurity|food insecurity|"
        "uninsured|no insurance|financial barriers|cost prohibitive",
    },
)
_add(
    "risk",
    "low",
    {
        "low risk treatment": "over the counter|otc|physical therapy|iv fluids|ivf|"
        "dme|durable medical equipment|supplies ordered|diet and exercise|diet|exercise|"
        "lifestyle modification|lifestyle modifications|lifestyle changes|home exercise|"
        "home exercise program|weight loss counseling|cpap|"
        "supportive care|splint|sling|crutches|warm compresses|ice and elevation|"
        "rest ice compression|humidifier",
    },
)
_add(
    "risk",
    "prescription",
    {
        "prescription drug management": "prescription drug management|prescribed|"
        "prescribe|new prescription|prescription for|rx for|e prescribed|sent to pharmacy|"
        "rx sent|rx given|rx written|rx provided|escribed|rx sent to pharmacy|"
        "refill|refilled|refills|prescription|prescriptions|discharged on|discharge on|"
        "sent home with|sent home on",
    },
)
# A management verb: prescription drug management when a prescription drug follows.
_add(
    "risk",
    "verb",
    {
        "verb": "start|started|starting|begin|initiate|initiated|increase|increased|"
        "decrease|decreased|reduce|reduced|titrate|titrated|uptitrate|continue|continued|"
        "resume|resumed|restart|restarted|discontinue|discontinued|stop|stopped|hold|"
        "held|switch to|switched to|change to|changed to|adjust|adjusted|taper|wean|"
        "trial of|course of|dose of|rx|rx:|add|added|adding|apply|prescribing|"
        # a prescription drug given at the visit is managed there (an ED's IV morphine)
        "given|gave|administered|"
        # and one the patient leaves with ("discharged with ondansetron ODT")
        "discharged with|discharged on|sent home with|discharge with|go home with",
    },
)

PRESCRIPTION_DRUGS = frozenset(
    _phrases(
        # guideline-directed medical therapy: the heart failure drugs, named as one
        "gdmt|guideline directed medical therapy|"
        "lisinopril|losartan|amlodipine|metoprolol|atorvastatin|simvastatin|rosuvastatin|"
        "norethindrone|zolpidem|eszopiclone|donepezil|memantine|ergocalciferol|"
        "pravastatin|metformin|glipizide|glyburide|glimepiride|insulin|glargine|lantus|"
        "humalog|novolog|lispro|aspart|detemir|sitagliptin|empagliflozin|dapagliflozin|"
        "semaglutide|ozempic|liraglutide|dulaglutide|tirzepatide|levothyroxine|synthroid|"
        "hydrochlorothiazide|hctz|chlorthalidone|furosemide|lasix|bumetanide|torsemide|"
        "spironolactone|carvedilol|atenolol|propranolol|diltiazem|verapamil|digoxin|"
        "amiodarone|warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|"
        "clopidogrel|plavix|prednisone|prednisolone|methylprednisolone|medrol|"
        "dexamethasone|amoxicillin|augmentin|azithromycin|zithromax|doxycycline|"
        "cephalexin|keflex|ceftriaxone|cefdinir|cefuroxime|ciprofloxacin|levofloxacin|"
        "nitrofurantoin|macrobid|bactrim|clindamycin|metronidazole|flagyl|penicillin|"
        "vancomycin|fluconazole|valacyclovir|acyclovir|oseltamivir|tamiflu|paxlovid|"
        "albuterol|inhaler|fluticasone|budesonide|symbicort|advair|tiotropium|spiriva|"
        "montelukast|gabapentin|pregabalin|sertraline|zoloft|fluoxetine|prozac|"
        "escitalopram|lexapro|citalopram|paroxetine|bupropion|wellbutrin|venlafaxine|"
        "duloxetine|cymbalta|mirtazapine|trazodone|buspirone|hydroxyzine|alprazolam|"
        "lorazepam|clonazepam|diazepam|quetiapine|olanzapine|risperidone|aripiprazole|"
        "lithium|lamotrigine|levetiracetam|keppra|valproate|depakote|topiramate|"
        "sumatriptan|ondansetron|zofran|promethazine|metoclopramide|omeprazole|"
        "pantoprazole|esomeprazole|famotidine|sucralfate|tramadol|oxycodone|hydrocodone|"
        "morphine|hydromorphone|cyclobenzaprine|methocarbamol|tizanidine|meloxicam|"
        "allopurinol|colchicine|febuxostat|tamsulosin|finasteride|oxybutynin|sildenafil|"
        "estradiol|medroxyprogesterone|methotrexate|hydroxychloroquine|adalimumab|humira|"
        "etanercept|alendronate|potassium|kcl|nitroglycerin|isosorbide|hydralazine|"
        "clonidine|benzonatate|tessalon|mupirocin|triamcinolone|ketoconazole|terbinafine|"
        "tretinoin|epinephrine|epipen|naloxone|buprenorphine|suboxone|methadone|"
        "varenicline|chantix|antibiotic|antibiotics|steroid|steroids|statin|"
        "anticoagulation|anticoagulant|antihypertensive|diuretic|nebulizer|nebulizers|"
        "duoneb|ipratropium|enoxaparin|lovenox|heparin|ceftaroline|piperacillin|zosyn|"
        "cefepime|meropenem|ertapenem|labetalol|nifedipine|baclofen|valsartan|olmesartan|"
        "irbesartan|benazepril|enalapril|ramipril|nystatin|permethrin|ivermectin|"
        "acetaminophen-codeine|oral contraceptive|contraceptive|anastrozole|letrozole|"
        "tamoxifen|exemestane|leuprolide|sacubitril|entresto|jardiance|farxiga|"
        "trulicity|mounjaro|wegovy|ozempic|glp 1|sglt2 inhibitor|ace inhibitor|arb|"
        "beta blocker|ssri|snri|ppi|clobetasol|calcipotriene|topical steroid|"
        "mometasone|betamethasone|tacrolimus ointment|isotretinoin|spironolactone"
    )
)
OTC_DRUGS = frozenset(
    _phrases(
        "acetaminophen|tylenol|ibuprofen|motrin|advil|naproxen|aleve|aspirin|loratadine|"
        "claritin|cetirizine|zyrtec|fexofenadine|allegra|diphenhydramine|benadryl|"
        "pseudoephedrine|sudafed|guaifenesin|mucinex|dextromethorphan|docusate|colace|"
        "senna|miralax|bisacodyl|loperamide|imodium|tums|antacid|antacids|saline|"
        "multivitamin|melatonin|bacitracin|neosporin|pedialyte|lozenges|honey|"
        "fluids|electrolytes|nicotine|calcium|vitamin|zinc|cough drops|psyllium|fiber|"
        "artificial tears|simethicone|phenazopyridine|famotidine otc|omeprazole otc|"
        "hydrocortisone cream|clotrimazole|miconazole|meclizine|ranitidine"
    )
)
# A medication instruction: a schedule ("QID x 7 days", "20 mg BID prn") after a dose or a
# dosage form names a drug being prescribed, even one this list does not know.
_add(
    "risk",
    "sig",
    {
        "sig": "bid|tid|qid|qhs|qam|qpm|q4h|q6h|q8h|q12h|q4 6h|q6 8h|twice daily|"
        "three times daily|four times daily|once daily|every 6 hours|every 8 hours|"
        "every 12 hours|nightly|at bedtime",
    },
)
_add("risk", "drug", {"prescription drug": "|".join(PRESCRIPTION_DRUGS)})
_add("risk", "otc", {"over-the-counter drugs": "|".join(OTC_DRUGS - {"fluids", "electrolytes"})})

# Common name endings of prescription drug classes (ACE inhibitors -pril, ARBs -sartan...).
PRESCRIPTION_SUFFIXES = (
    "pril", "sartan", "olol", "dipine", "statin", "formin", "gliptin", "gliflozin",
    "glutide", "cillin", "mycin", "cycline", "floxacin", "prazole", "tidine", "oxetine",
    "triptan", "parin", "xaban", "gatran", "sone", "olone", "semide", "thiazide", "azepam",
    "zolam", "tiapine", "peridone", "umab", "ximab", "tinib", "ciclovir", "conazole",
)  # fmt: skip
