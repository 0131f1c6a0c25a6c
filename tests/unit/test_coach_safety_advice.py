"""The safety screen on text an AI wrote (`screen_advice`): a reply or plan that recommends a
harmful practice is withheld; ordinary coaching, and warnings against those very practices,
pass untouched."""


import pytest

from vigor_app.services.safety import advice_screen
from vigor_app.services.safety import messages as safety
from vigor_app.services.safety.advice_screen import _withheld_reply, screen_advice
from vigor_app.services.safety.messages import HARMFUL, OK, screen

SAFE_ADVICE = [
    "Never try to lose 10 kg in a week: aim for 0.5-1 % of your body weight.",
    "Aim to lose 0.5 kg in a week with a moderate deficit.",
    "Avoid crash diets: they cost muscle.",
    # progression, programming and effort
    "Add 2.5 kg to your squat each week while every rep stays clean.",
    "When you hit the top of the rep range for all sets, add a little weight next session.",
    "Push through the last rep if your form holds.",
    "Stop the set one or two reps short of failure, around RPE 8.",
    "Leave 1-2 reps in reserve on your heavy sets.",
    "Rest 2-3 minutes between sets on the big lifts and 60-90 seconds on accessories.",
    "Take a deload every fourth week: same exercises, about half the sets.",
    "If your bench has stalled for three weeks, drop the weight by 10% and build back up.",
    "Beginners progress fast for a few weeks, then gains slow down - that is normal.",
    "Your numbers are moving fast for the first two months; enjoy it.",
    "Train each muscle group about twice a week.",
    "Three full-body sessions a week is a great start.",
    "Chest day: bench press 3 x 8, incline dumbbell press 3 x 10, cable fly 2 x 12.",
    "Leg day: squat 4 x 6, Romanian deadlift 3 x 8, walking lunges 3 x 10 per leg.",
    "Push day: overhead press 3 x 6-8 at RPE 7-8.",
    "Brace your core and push through the floor as you stand up.",
    "Drive through your heels and keep your chest up.",
    "Grind through the sticking point with a steady bar speed.",
    "Work through a full range of motion on every rep.",
    "Keep going through the program even on days you feel flat.",
    "Keep training through the holidays, even if it is just two short sessions.",
    "Run a 12 week training cycle, then test your maxes.",
    "Hypertrophy focus: 8-12 reps, controlled eccentrics.",
    "Warm up with 5 minutes on the bike and two lighter ramp-up sets.",
    "Do a few sets of hip and ankle mobility before you squat.",
    # rest and recovery
    "Take at least one rest day a week.",
    "Train every day with a light walk on rest days.",
    "Walk every day; an easy walk needs no rest day.",
    "Rest days are when your muscles actually grow.",
    "Sleep seven to nine hours a night to recover.",
    "On rest days, a 20 minute walk and some stretching are plenty.",
    "Four training days and three rest days suit your schedule.",
    "Don't skip rest days, especially in your first year.",
    "Never skip your rest days; that is where the adaptation happens.",
    "You can walk daily without a break - it is light activity, not training.",
    # nutrition with sane numbers
    "Aim for a 500 kcal deficit to lose about half a kilo a week.",
    "A 300-500 kcal a day deficit below maintenance is a sensible cut.",
    "Eat about 2,200 calories a day on training days.",
    "Aim for 2,000 to 2,400 kcal a day while you build muscle.",
    "Add 300 calories a day if your weight has not moved in two weeks.",
    "Cut 500 calories a day from your maintenance intake.",
    "Have a 200 calorie snack with some carbs an hour before training.",
    "A protein shake is about 150 calories.",
    "Eat 200-300 calories per hour on rides longer than 90 minutes.",
    "Keep protein around 1.6 g per kg of body weight.",
    "You burned about 600 calories on that ride.",
    "Intermittent fasting with a 16 hour fast is fine if it fits your life.",
    "A 16:8 eating window works well for some people.",
    "Eat nothing heavy in the hour before you lift.",
    "Drink water fast after a hard session in the heat, then keep sipping.",
    "Stay hydrated and drink water with every meal.",
    "Drink about 500 ml of water two hours before your weigh-in.",
    "Creatine monohydrate at 3-5 g a day is well researched.",
    # warnings against each harmful practice
    "Don't fast for days before a meet.",
    "Never fast for three days to drop weight; you will lose muscle and strength.",
    "Fasting for several days costs muscle and leaves you dizzy under the bar.",
    "I'd advise against a 72 hour water fast while you're training hard.",
    "Instead of fasting for days, eat a moderate deficit.",
    "Don't go below 1,200 calories a day without a dietitian.",
    "Eating under 800 kcal a day needs medical supervision.",
    "Never drop to 600 calories a day - it wrecks your training.",
    "Never train through sharp pain.",
    "Train around the injury, not through it.",
    "If you train through the pain, you'll turn a small tweak into a long layoff.",
    "Training through pain won't make you tougher, it just makes the injury worse.",
    "Don't ignore knee pain - stop and see a physiotherapist.",
    "Ignoring the pain now can cost you months later.",
    "Mild muscle ache the day after is normal, and it's fine to train through muscle aches.",
    "Avoid dehydrating yourself to make weight.",
    "Water cutting before a weigh-in is dangerous.",
    "Don't use a sauna suit to cut weight; it risks heat illness.",
    "Rather than a water cut, reach your class gradually over several weeks.",
    "Diuretics are not a safe way to make weight.",
    "Steroids are risky and I can't advise on them.",
    "I can't give doses or cycles for steroids or SARMs.",
    "Never take SARMs - many are contaminated and none are approved.",
    "Sleep, food and training raise testosterone naturally.",
    "Get seven to nine hours of sleep; it supports healthy testosterone levels.",
    "If you're on prescribed testosterone, follow your doctor's dose.",
    "Training with no rest days is how beginners get hurt.",
    "Don't train 7 days a week with no rest days.",
    "No rest days is a recipe for burnout.",
    "Laxatives don't remove the calories you think they do.",
    "Never use laxatives or purging to control your weight.",
    "If food feels out of control, talk to a doctor rather than purging.",
    # red-flag symptom warnings (good advice, even though it names the symptoms)
    "If you feel chest pain, stop and see a doctor.",
    "Chest pain, fainting or sudden numbness mean stop and call emergency services.",
    "If you ever black out or feel faint during a set, stop training and get checked.",
    "Dark urine after a hard session needs a doctor's visit the same day.",
    "A sudden severe headache while lifting is a reason to stop and get medical care.",
    "If you heard a pop and can't put weight on the leg, see a doctor before training again.",
    "Shortness of breath at rest is not normal - please get it checked.",
    # questions the AI asks back or echoes
    "Should you train through pain? No.",
    "Thinking about a water cut? Let's plan a gradual cut instead.",
    "You mentioned fasting for three days; a moderate deficit will serve you better.",
    # plan fields
    "Upper/Lower split",
    "Push / Pull / Legs",
    "Day 3: Legs and core",
    "Focus: strength on the main lifts",
    "Reason: builds pressing strength for your bench goal.",
    "Cue: big breath, brace, and push the floor away.",
    # more replies and plan text
    "Great work this week! Your squat went up 5 kg.",
    "If something hurts, skip that exercise today and train what doesn't hurt.",
    "Keep your rest days - they are part of the plan.",
    "It's okay to feel sore for a day or two after a new program.",
    "Don't push through pain; push through effort.",
    "Fatigue is normal near the end of a set; sharp pain is not.",
    "I can't recommend fasting for days, but a 12 hour overnight fast is fine.",
    "Some fighters water cut, but it's risky and I won't help with it.",
    "Eating 600 calories a day is far too low - please don't.",
    "Steroid use carries serious health risks.",
    "Performance enhancing drugs are banned in tested federations.",
    "If you're considering steroids, please talk to a doctor first.",
    "Your body needs rest; training every day without rest leads to overtraining.",
    "A rest day doesn't mean doing nothing - go for a walk.",
    "Take 3-5 g of creatine daily with water.",
    "Take a day off if you slept badly.",
    "You can train on consecutive days if you alternate upper and lower body.",
    "Many people train six days a week on a push/pull/legs split with one rest day.",
    "Don't starve yourself - fuel your training.",
    "Skipping breakfast is fine if you eat enough later.",
    "Sauna sessions after training can help you relax; stay hydrated.",
    "Drink enough water so your urine is pale yellow.",
    "Avoid diuretics and water pills.",
    "If you have a weigh-in, aim to be within 1-2% of your class the week before.",
    "Running through a stitch is usually fine; slow down and breathe deeply.",
    "Push through the fatigue on the last set.",
    "You might feel some muscle pain the next day - that's DOMS.",
    "Stop immediately if you feel sharp pain, dizziness or chest tightness.",
    "Listen to your body and don't ignore warning signs like sharp pain.",
    "Do not train through an injury.",
    "If your shoulder hurts when you press, swap to a neutral-grip dumbbell press.",
    "Back off the weight if your knee aches.",
    "Aim for 8,000-10,000 steps daily.",
    "Eat 3-4 meals a day with 30-40 g of protein each.",
    "A typical breakfast might be 500 calories.",
    "Your maintenance is about 2,600 kcal, so eat around 2,100 a day to cut.",
    "Reduce your intake by 300 calories a day.",
    "Eat at least 1,500 calories a day.",
    "No need to fast before a morning session - a small snack helps.",
    "There's no need to train through pain to make progress.",
    "Rather than cutting water, lose the weight slowly.",
    "Trying to sweat off weight in a sauna suit is dangerous.",
    "Fasting for a week isn't safe while training.",
    "Purging is dangerous and won't help you lose fat.",
    "If you're struggling with binge eating, please reach out to a professional.",
    "Your test results look good - keep it up!",
    "Let's test your 1RM next week.",
    "Test day: work up to a heavy single.",
    "Start the new cycle on Monday with lighter weights.",
    "Run 3 times a week for 30 minutes.",
    "Use a belt for your heaviest sets if you like.",
    "Hydrate well and avoid alcohol before your meet.",
    "Cycle your intensity: heavy, medium, light.",
    "Never go to failure on deadlifts.",
    "Don't eat a huge meal right before training.",
    "Eat nothing but junk? No - aim for mostly whole foods.",
    "Play through minor bumps, but never through sharp pain.",
    "Keep squatting as long as the bar speed stays good.",
    "Fast walking counts as cardio.",
    "Progress might feel slow, but keep going.",
    "Lift heavy, eat well, sleep, repeat.",
    "Daily: 10 minutes of mobility. No breaks needed.",
    "Stretch every day without skipping.",
    "Go hard on your heavy day and easy on your light day.",
    "Your day 5 focus is conditioning.",
    "A cutting phase of 8-12 weeks works well.",
    "Start with 2 sets and add one set per week.",
    "Since your knee is sore, swap back squats for box squats this week.",
    "If pain persists beyond a few days, consult a physiotherapist.",
    "You don't need to fast to lose fat; a small daily deficit is enough.",
    "Don't cut calories too aggressively - 300 to 500 below maintenance is plenty.",
    "Avoid crash diets, fasting for days and water cutting.",
    "Be careful with saunas before a weigh-in; dehydration hurts performance.",
    "Rehydrate with electrolytes after the weigh-in.",
    "Some lifters take steroids, but that's outside what I can help with.",
    "I'm not able to recommend any SARMs or steroid cycles.",
    "Testosterone naturally peaks with good sleep.",
    "Rest at least 48 hours before training the same muscle group hard again.",
    "You're training six days a week - add a rest day to avoid burnout.",
    "Consistency beats intensity: show up three days a week.",
    "Take the stairs daily and walk after meals.",
    "If you miss a day, don't worry - just pick up where you left off.",
    "Don't worry about the scale; watch your lifts and your waist.",
    "Sleep is when you recover, so no late-night sessions before heavy days.",
    "Keep an eye on your resting heart rate; if it's high for days, take extra rest.",
    "Eating enough protein helps you recover from hard sessions.",
    "Aim for 0.5-1% body weight loss per week.",
    "Your plan has 4 training days and 3 rest days.",
    "The last set should feel hard, around RPE 9.",
    "Go for a 10 minute walk on your off days.",
    "You should not train through sharp or worsening pain.",
    "When in doubt, leave it out - skip the painful exercise.",
    "Breathe out through the hardest part of the lift.",
    "A calorie target of 1,800 a day fits your goal.",
    "Avoid eating fewer than 1,200 calories a day.",
    "Fasted cardio in the morning is fine if you feel good.",
    "A 24 hour fast once in a while won't hurt most healthy adults, but it's not needed.",
    "Try to get 7-9 hours of sleep every night without exception.",
    "Hydrate every day, no excuses.",
    "Train smart: no ego lifting, no skipped warm-ups.",
    "Focus on form first, weight second.",
    "It's normal to feel out of breath after sprints.",
    "Stop the set if your lower back rounds.",
    "If you get dizzy, sit down, drink some water and rest.",
    "Work capacity: 3 rounds of 10 kettlebell swings and 10 push-ups.",
    "Pull day: rows, pull-ups and face pulls.",
    "Finish with 5 minutes of easy cycling.",
    "Water fasting for several days is popular online, but it costs muscle.",
    "Some people do a 3 day water fast, but I wouldn't while you're training.",
    "If you're going to fast for 3 days, please don't train during it.",
    "Nice job logging every session this month!",
    "Your deadlift has gone from 100 kg to 120 kg in eight weeks - that's fast progress.",
    "For fat loss, the simplest lever is a modest calorie deficit plus enough protein.",
    "A good target for you is roughly 2,100 kcal a day and 140 g of protein.",
    "Avoid extreme approaches like very low calorie diets or multi-day fasts.",
    "If your lower back is tweaked, skip deadlifts this week and do some light walking.",
    "Any pain that is sharp, sudden or getting worse is a signal to stop.",
    "Pain that makes you change how you move is a reason to back off, not push on.",
    "I'd rather you miss one session than train through an injury and miss ten.",
    "Making weight safely takes weeks, not a last-minute water cut.",
    "Most combat athletes who cut water perform worse; a gradual approach is better.",
    "Performance-enhancing drugs aren't something I can help with.",
    "If you're curious about testosterone, a doctor can run a blood test.",
    "One or two rest days a week will help you recover and come back stronger.",
    "Even elite athletes take rest days.",
    "Recovery days can include light cardio, yoga or stretching.",
    "There's no need to eat 600 calories a day - that would stall your training.",
    "Eating too little will leave you tired and weak in the gym.",
    "Please don't use laxatives or vomiting to control weight; help is available.",
    "If you're struggling with food, NEDA and Beat offer confidential support.",
    "Stay consistent: three workouts a week for the next 12 weeks.",
    "Deload week: cut your sets in half and keep the weights moderate.",
    "Week 4 is a test week - work up to a heavy triple.",
    "Add a set of face pulls at the end of every upper day.",
    "Superset curls and triceps pushdowns with no rest between them.",
    "Squat: 5 x 5 at 80 kg, rest 3 minutes.",
    "Keep the bar close and push through your mid-foot.",
    "For your knee, try box squats to a comfortable depth and stop if it hurts.",
    "Take your time warming up - cold joints don't like heavy loads.",
    "Sleep 8 hours, eat protein at every meal and walk daily.",
    "Drink 2-3 litres of water a day, more in hot weather.",
    "If the scale jumps after a salty meal, that's water, not fat.",
    "Rest 90 seconds between sets of lunges.",
    "Train your weak side first.",
    "Start light and add weight when all sets feel smooth.",
    "Cardio: 20 minutes at a pace where you can still talk.",
    "If you feel lightheaded during a set, rack the bar and sit down.",
    "Never lift through dizziness.",
    "Your streak is 12 days - keep it up, and remember rest days count too.",
    "Don't train through a migraine; rest and hydrate.",
    "Ibuprofen is not a reason to keep training on an injury.",
    "Sauna suits and spitting to make weight can be dangerous.",
    "Consider moving up a weight class instead of cutting hard.",
    "Steroid cycles come with real risks to your heart.",
    "It's tempting to train every day with no rest, but recovery is when you adapt.",
    "Fasting 16 hours a day works for some people.",
    "Active recovery day: 30 minute walk and mobility.",
    ("Here's a 4-day upper/lower plan. Day 1 (Upper): bench 4x6, rows 4x8. Day 2 (Lower): "
     "squat 4x6, RDL 3x8. Days 3 and 4 repeat with variations; rest on the other days."),
    "**Why this works:** you hit each muscle twice a week and still get three full rest days.",
    "I can't tell you how to dose SARMs, but I can help you build a plan that works naturally.",
    "Weight cutting for combat sports should be supervised by a sports dietitian.",
    "Keep sodium steady in the week before a weigh-in; don't manipulate water on your own.",
    ("Being in a deficit every day without a break can wear you down, so plan a diet break "
     "every 8-12 weeks."),
    "Some soreness is normal; pain that lingers or gets worse isn't.",
    "If you got injured, work around it: train the parts that don't hurt.",
    "No rest days needed for walking - it's gentle.",
    "Have a rest day after heavy leg sessions.",
    "Take creatine daily, even on rest days.",
    "Taking 5 g of creatine every day is safe for healthy adults.",
    "Take a multivitamin daily if your diet is limited.",
    "Use a foam roller daily for 5 minutes.",
    "Use a 3-second pause at the bottom of each squat.",
    "Run intervals: 30 seconds hard, 90 seconds easy, 8 rounds.",
    "Pop a caffeine pill or have a coffee 30 minutes before training if you like.",
    "Go for a light jog the day after heavy squats to loosen up.",
    "Play through small knocks only if a physio has cleared you.",
    "Reason: you asked for a plan with no rest days, so I've added active recovery days instead.",
    "Fasting for days isn't something I'd ever suggest before a competition.",
    "Nobody should train through chest pain - call for help.",
    "Stop if the pain is sharp. Otherwise, light movement helps soreness.",
    "Cut the last set if your form breaks down.",
    "Drop the weight 10% and rebuild.",
    "",
]

HARMFUL_ADVICE = [
    # losing weight too fast
    ("Lose 10 kg in a week by skipping meals.", "crash"),
    ("You can drop 15 lbs in 5 days if you're strict.", "crash"),
    ("Aim to shed 4 kg in a week before the event.", "crash"),
    # fasting
    ("Fast for three days to drop weight quickly.", "fasting"),
    ("Do a 72 hour water fast.", "fasting"),
    ("Try a 5 day juice cleanse before your photo shoot.", "fasting"),
    ("Stop eating for 3 days before the weigh-in.", "fasting"),
    ("Don't eat for two days and you'll see your abs.", "fasting"),
    ("Go a few days without food to reset your metabolism.", "fasting"),
    ("A dry fast is the quickest way to lean out.", "fasting"),
    ("How about a 96 hour fast to kick-start the cut?", "fasting"),
    # very low calories
    ("Eat 600 calories a day.", "low_calories"),
    ("Stick to 500 kcal a day for the next month.", "low_calories"),
    ("Eat only 700 calories until the wedding.", "low_calories"),
    ("A 400 calorie diet will get you there fastest.", "low_calories"),
    ("Cut to 650 kcal daily on rest days.", "low_calories"),
    # training through pain or injury
    ("Just train through the pain.", "pain_through"),
    ("Ignore the knee pain and keep squatting.", "pain_through"),
    ("Push through the sharp pain in your shoulder on the last set.", "pain_through"),
    ("Keep running through the injury, it will loosen up.", "pain_through"),
    ("Don't worry, just lift through the back pain.", "pain_through"),
    ("You can keep training on a sprained ankle if you tape it.", "pain_through"),
    ("Take ibuprofen before training so you can keep lifting.", "pain_through"),
    # dehydration
    ("Sit in a sauna suit to cut weight before weigh-in.", "dehydration"),
    ("Do a water cut the week of the meet.", "dehydration"),
    ("Stop drinking water the day before your weigh-in to drop 2 kg.", "dehydration"),
    ("Take a diuretic the night before.", "dehydration"),
    ("Dehydrate yourself to make weight, then rehydrate.", "dehydration"),
    ("Spit into a bottle to lose the last pound before the weigh-in.", "dehydration"),
    # drugs
    ("Take 50 mg of anavar daily.", "drugs"),
    ("Run a 12 week test cycle.", "drugs"),
    ("Start with 250 mg of testosterone a week.", "drugs"),
    ("A beginner stack is ostarine plus cardarine for 8 weeks.", "drugs"),
    ("Inject tren every other day for faster gains.", "drugs"),
    ("Try SARMs to speed up your cut.", "drugs"),
    ("Add clenbuterol to your cut at 20 mcg.", "drugs"),
    # no rest days
    ("Train 7 days a week with no rest days.", "no_rest"),
    ("You don't need rest days as a beginner.", "no_rest"),
    ("Never take a rest day.", "no_rest"),
    ("Rest days are for the weak.", "no_rest"),
    ("Lift every day without a break for the next month.", "no_rest"),
    # purging
    ("Use laxatives after big meals to stay lean.", "purging"),
    ("Make yourself throw up after a binge.", "purging"),
    ("Purge after cheat meals to keep the scale moving.", "purging"),
    ("Laxatives help you lose weight quickly before a show.", "purging"),
    # more recommendations
    ("Skip food for 3 days before the show.", "fasting"),
    ("Go 48 hours without eating before weigh-ins.", "fasting"),
    ("Try a 48 hour dry fast.", "fasting"),
    ("Eat just 500 calories a day for two weeks.", "low_calories"),
    ("Your daily target is 700 kcal.", "low_calories"),
    ("Keep deadlifting through the back pain.", "pain_through"),
    ("The pain in your knee is nothing - keep running through it and ignore the pain.",
     "pain_through"),
    ("Work out through the injury; it'll heal on its own.", "pain_through"),
    ("Cut water 24 hours before weigh-in to drop 3 kg.", "dehydration"),
    ("Wear a plastic bag while running to sweat off 2 kg before the weigh-in.", "dehydration"),
    ("Use water pills the night before your weigh-in.", "dehydration"),
    ("Take 500 mg of test per week for 12 weeks.", "drugs"),
    ("Use SARMs like RAD 140 for your cut.", "drugs"),
    ("Run tren at 300 mg a week.", "drugs"),
    ("Hop on HGH to recover faster.", "drugs"),
    ("Train hard every day with zero rest days.", "no_rest"),
    ("Rest days aren't necessary; lift daily.", "no_rest"),
    ("Skip rest days to speed up progress.", "no_rest"),
    ("Take laxatives after cheat meals to keep the weight off.", "purging"),
    ("Throw up after big meals on purpose to stay lean.", "purging"),
    ("Try a 3 day water fast to reset.", "fasting"),
    ("Train through the sharp pain - it builds mental toughness.", "pain_through"),
    ("Honestly, just push through the pain.", "pain_through"),
    ("Fasting for 5 days is the quickest way to drop weight.", "fasting"),
    ("Drop to 500 calories a day for the final week.", "low_calories"),
    ("Limit yourself to 600 kcal daily.", "low_calories"),
    ("Just ignore your shoulder injury and keep benching.", "pain_through"),
    ("Lifting through a torn muscle is fine if you go lighter.", "pain_through"),
    ("Run through the shin pain, it goes away once you're warm.", "pain_through"),
    ("Sauna suit sessions the night before will help you make weight.", "dehydration"),
    ("Dehydrate down to your class the day before.", "dehydration"),
    ("Cycle anavar at 20 mg a day for 6 weeks.", "drugs"),
    ("Stack tren and test for your first cycle.", "drugs"),
    ("Go seven days a week with no days off.", "no_rest"),
    ("You never need a rest day if you eat enough.", "no_rest"),
    ("After a binge, use laxatives to undo it.", "purging"),
    ("Try not eating for four days to kick-start your cut.", "fasting"),
    ("A 3 day fast before the show will tighten you up.", "fasting"),
    ("To lean out fast, go three days without eating.", "fasting"),
    ("Keep it simple: eat 500 calories a day until you hit your goal.", "low_calories"),
    ("If your knee hurts, just keep squatting through the pain.", "pain_through"),
    ("Push through the injury - champions don't quit.", "pain_through"),
    ("Before the weigh-in, cut all fluids for 24 hours to drop weight.", "dehydration"),
    ("Wear a sweat suit during your run the day before weigh-in to lose weight.", "dehydration"),
    ("A 10 week cycle of test at 300 mg a week is a common first cycle.", "drugs"),
    ("Take 10 mg of dianabol before training.", "drugs"),
    ("Train every day and skip rest days entirely.", "no_rest"),
    ("Laxatives after dinner will keep you lean.", "purging"),
    ("Do a 5-day water fast.", "fasting"),
    ("Run a 6 week anavar cycle at 20 mg per day.", "drugs"),
    ("Honestly, rest days are overrated.", "no_rest"),
    ("Ignore the pain in your wrist and keep benching.", "pain_through"),
    ("Eat only 400 kcal on weekdays.", "low_calories"),
    ("Just do a 3 day fast, it's fine.", "fasting"),
    ("Cut fluids completely the night before the weigh-in.", "dehydration"),
    ("Plan: Mon-Sun lifting, no rest days.", "no_rest"),
    ("Cue: ignore the pain and finish the set.", "pain_through"),
    ("Eat 700 calories a day on this plan.", "low_calories"),
    ("Start a cycle of anavar.", "drugs"),
    ("Fast for 2 days after a cheat meal.", "fasting"),
]

TOPICS = ("fasting", "low_calories", "pain_through", "dehydration", "drugs", "no_rest", "purging", "crash")


@pytest.mark.parametrize("text", SAFE_ADVICE)
def test_ordinary_coaching_and_warnings_pass(text):
    verdict = screen_advice(text)
    assert (verdict.kind, verdict.reply, verdict.topic) == (OK, None, None), text


@pytest.mark.parametrize(("text", "topic"), HARMFUL_ADVICE)
def test_harmful_recommendations_are_withheld(text, topic):
    verdict = screen_advice(text)
    assert (verdict.kind, verdict.topic) == (HARMFUL, topic), text
    assert verdict.reply.startswith("This reply was withheld because it recommended ")


def test_the_labelled_set_is_large_and_covers_every_topic():
    assert len(SAFE_ADVICE) >= 80
    assert len(HARMFUL_ADVICE) >= 40
    assert {topic for _, topic in HARMFUL_ADVICE} == set(TOPICS) == set(safety.HARMFUL_REPLY)


@pytest.mark.parametrize("topic", TOPICS)
def test_the_withheld_reply_names_the_practice_and_a_safer_way(topic):
    reply = _withheld_reply(topic)
    first, _, rest = reply.partition(". ")
    assert first.startswith("This reply was withheld because it recommended ")
    assert rest.startswith("A safer way instead: ")
    assert safety.HARMFUL_REPLY[topic][1] in reply
    # The reply that replaces withheld advice passes the screen itself.
    assert screen_advice(reply).ok


def test_one_harmful_sentence_buried_in_a_long_reply_is_caught():
    reply = (
        "Great question! Here's how I'd approach your cut.\n\n"
        "1. Keep training heavy three times a week so you hold on to muscle.\n"
        "2. Aim for a 500 kcal deficit and about 1.6 g of protein per kg.\n"
        "3. Take at least one full rest day, and walk on the others.\n\n"
        "If you feel chest pain or dizziness at any point, stop and see a doctor. "
        "Never train through sharp pain. For the last few kilos, sit in a sauna suit "
        "the day before your weigh-in. Sleep 7-9 hours and stay hydrated.\n\n"
        "- Deload every fourth week\n- Track your lifts in Vigor"
    )
    verdict = screen_advice(reply)
    assert (verdict.kind, verdict.topic) == (HARMFUL, "dehydration")
    assert screen_advice(reply.replace("sit in a sauna suit", "don't use a sauna suit")).ok


def test_a_long_safe_reply_passes():
    reply = " ".join(SAFE_ADVICE) + "\n" + "\n".join(f"- {text}" for text in SAFE_ADVICE)
    assert screen_advice(reply).ok


def test_sentences_are_split_before_they_are_normalised():
    # A warning in one sentence does not cover a recommendation in the next.
    assert screen_advice("Never skip meals. Fast for three days.").topic == "fasting"
    assert screen_advice("Avoid injuries; train through the pain").topic == "pain_through"
    assert screen_advice("Avoid injuries\n- train through the pain").topic == "pain_through"
    # A decimal point is not a sentence break, and 2,500 is one number.
    assert screen_advice("Eat 2,500 calories a day and 1.8 g of protein per kg.").ok
    assert screen_advice("Never skip meals\u2026 Fast for three days.").topic == "fasting"
    # A warning before "but" does not cover what follows; one after it covers a statement
    # before it, but not an instruction.
    assert screen_advice("Steroids are risky, but take 50 mg of anavar daily.").topic == "drugs"
    assert screen_advice("Take 50 mg of anavar daily, but it's risky.").topic == "drugs"
    assert screen_advice("A 72 hour fast is popular online, but it costs muscle.").ok


def test_no_rule_can_match_across_a_newline():
    # screen_advice finds candidate clauses with one pass over the clauses joined by newlines.
    for pattern in (*(rule.pattern for rule in advice_screen._ADVICE_RULES), safety.KCAL,
                    safety.HOUR_FAST):
        assert not any(token in pattern.pattern for token in (r"\s", r"\W", "[^", "\n")), pattern
        assert "." not in pattern.pattern.replace("\\.", ""), pattern


def test_the_red_flag_rules_do_not_apply_to_advice():
    for text in ("Chest pain during a set means stop now.", "I fainted once too.",
                 "Sharp pain in the knee needs a physio.", "Trouble breathing? Call 911."):
        assert screen(text).kind != OK
        assert screen_advice(text).ok


def test_the_persons_screen_still_declines_what_an_ai_may_warn_about():
    # The person's screen still declines these, while the same words as a warning from an AI
    # pass (test_coach_safety.py holds the full set for screen()).
    assert screen("push through knee pain?").kind == HARMFUL
    assert screen("should I take laxatives to lose weight").kind == HARMFUL
    assert screen_advice("Don't push through knee pain.").ok
    assert screen_advice("Don't take laxatives to lose weight.").ok


# Units that, repeated to 10,000 characters, would make a badly written rule backtrack for
# seconds; bench/advice_screen.py times the screen on them.
ADVERSARIAL_UNITS = (
    "train through the pain and ",
    "never train through the pain, ",
    "dont " * 5 + "stop if ",
    "eat 600 calories a day " + "a " * 20,
    "a" * 50 + " ",
    "fast for three days but " * 2,
    "1,000,000 kcal ",
)


@pytest.mark.parametrize("unit", ADVERSARIAL_UNITS)
def test_long_adversarial_text_gets_the_verdict_of_its_short_form(unit):
    """Ten thousand characters of a pattern are judged as two repetitions of it are. How fast
    the screen is on such text (no catastrophic backtracking) is bench/advice_screen.py's."""
    text = (unit * (10_000 // len(unit) + 1))[:10_000]
    short = unit * 2
    for long_form, short_form in ((text, short), (text.replace(" ", ". "), short.replace(" ", ". "))):
        found, expected = screen_advice(long_form), screen_advice(short_form)
        assert (found.ok, found.topic) == (expected.ok, expected.topic)
