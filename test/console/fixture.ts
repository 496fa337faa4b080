// A small plan document for the console tests: two sections (二 skipped), tasks with and without a
// 牵头单位 / deadline, three targets and the 每月28日前 rule.
export const PLAN_TEXT = `2024年交通运输工作要点

各单位每月28日前报送工作进展情况。

一、加快基础设施建设
1.完成公路水路固定资产投资100亿元。牵头单位：建设管理处；配合单位：规划处。2024年12月底前完成。
2.新建改建农村公路500公里。牵头单位：公路处。
4.推进智慧交通建设。
三、提升运输服务
1.城市公交分担率达到60%以上。牵头单位：运输处。2024年6月底前完成。
`;

/** The plan as a .docx (one paragraph per line), made with the `docx` package. */
export async function planDocx(text = PLAN_TEXT): Promise<Buffer> {
  const { Document, Packer, Paragraph } = await import('docx');
  const doc = new Document({ sections: [{ children: text.split('\n').map((line) => new Paragraph({ text: line })) }] });
  return Packer.toBuffer(doc);
}
